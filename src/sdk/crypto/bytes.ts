/** Byte helpers live in src/mls (shared with the server's framing checks). */
export { ByteReader, ByteWriter, bytesEqual, concatBytes, toHex, utf8Decode, utf8Encode } from '../../mls/bytes.js';
