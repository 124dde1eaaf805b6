// No imports: the file encryption bundles this in a Web Worker without zod.
/**
 * The encrypted file format, libsodium's secretstream (XChaCha20-Poly1305): a 24-byte header, then the plaintext in
 * 256 KiB chunks, each followed by its 17 bytes of tag and padding; the last chunk (empty when the size is a multiple
 * of 256 KiB) is tagged final, so a truncated file never decrypts. The server only uses it to turn MAX_FILE_BYTES of
 * plaintext into the ciphertext size it accepts.
 */
export const FILE_FORMAT = { headerBytes: 24, chunkBytes: 256 * 1024, tagBytes: 17 } as const;

/** The ciphertext size of a file of `plainBytes` bytes. */
export function encryptedFileSize(plainBytes: number): number {
  const chunks = Math.floor(plainBytes / FILE_FORMAT.chunkBytes) + 1;
  return FILE_FORMAT.headerBytes + plainBytes + chunks * FILE_FORMAT.tagBytes;
}
