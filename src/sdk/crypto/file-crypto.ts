/**
 * File encryption for attachments: libsodium's secretstream (XChaCha20-Poly1305, `crypto_secretstream_xchacha20poly1305`)
 * under a fresh random key per file, in 256 KiB chunks, so a file never has to sit whole in memory. The last chunk is
 * tagged final: a truncated or reordered ciphertext fails to decrypt. The ciphertext's SHA-256 (streaming) travels with
 * the key inside the MLS message. No construction of our own: the format is libsodium's, reached through sodium-native
 * in Node and libsodium-wrappers' WebAssembly elsewhere (secretstream.ts); both read and write the same bytes.
 */
import { createSHA256 } from 'hash-wasm';
import { FILE_FORMAT } from '../../protocol/file-format.js';
import { bytesEqual } from './bytes.js';
import { secretStream, type SecretStreamBinding, type SecretStreamPull } from './secretstream.js';

export const FILE_KEY_BYTES = 32;
export const FILE_HASH_BYTES = 32;

/** A ciphertext that does not decrypt (wrong key, altered, truncated) or whose hash is not the one announced. */
export class FileIntegrityError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'FileIntegrityError';
  }
}

export const newFileKey = async (): Promise<Uint8Array> => (await secretStream()).keygen();

/**
 * Re-cuts a stream of byte pieces of any sizes into pieces of exactly `size` bytes (the last one shorter). By default
 * each piece is a fresh buffer. With `buffers: n`, pieces are n buffers used in turn: a piece is overwritten once the
 * consumer has asked for n more (no allocation, and no garbage, per piece); with `buffers: 1`, a whole piece lying in
 * one of the source's is passed on without a copy (valid, like the buffer, until the consumer asks for the next).
 */
export async function* rechunk(source: AsyncIterable<Uint8Array>, size: number, { buffers = 0 } = {}): AsyncGenerator<Uint8Array> {
  const pool = Array.from({ length: buffers }, () => new Uint8Array(size));
  let turn = 0;
  let buffer = pool[0] ?? new Uint8Array(size);
  let filled = 0;
  for await (const piece of source) {
    let at = 0;
    while (at < piece.length) {
      const take = Math.min(size - filled, piece.length - at);
      if (buffers === 1 && filled === 0 && take === size) {
        yield piece.subarray(at, at + size);
        at += size;
        continue;
      }
      buffer.set(piece.subarray(at, at + take), filled);
      filled += take;
      at += take;
      if (filled === size) {
        yield buffer;
        turn = (turn + 1) % Math.max(buffers, 1);
        buffer = pool[turn] ?? new Uint8Array(size);
        filled = 0;
      }
    }
  }
  if (filled > 0) yield buffer.subarray(0, filled);
}

export interface Sha256Stream {
  update(bytes: Uint8Array): void;
  digest(): Uint8Array;
}

/** What this module uses of Node's `crypto` (native SHA-256: several times hash-wasm's rate where the CPU has SHA instructions). */
interface NodeHashing {
  createHash(algorithm: 'sha256'): { update(bytes: Uint8Array): unknown; digest(): Uint8Array };
}

let nodeHashing: Promise<NodeHashing | undefined> | undefined;
/** Node's `crypto` when running in Node (the SDK in a bot, a CLI or a test); undefined in a browser or a worker. */
function nodeCrypto(): Promise<NodeHashing | undefined> {
  const runtime = globalThis as { process?: { versions?: { node?: string } } };
  if (!runtime.process?.versions?.node) return Promise.resolve(undefined);
  // A computed name, so that the web bundle neither includes nor stubs it (this branch never runs there).
  const name = ['node', 'crypto'].join(':');
  nodeHashing ??= (import(/* @vite-ignore */ name) as Promise<NodeHashing>).catch(() => undefined);
  return nodeHashing;
}

/** A running SHA-256 of bytes seen so far: Node's native one in Node, hash-wasm's WebAssembly elsewhere. */
export async function sha256Stream(): Promise<Sha256Stream> {
  const node = await nodeCrypto();
  if (node) {
    const hash = node.createHash('sha256');
    return { update: (bytes) => void hash.update(bytes), digest: () => new Uint8Array(hash.digest()) };
  }
  const hasher = await createSHA256();
  hasher.init();
  return { update: (bytes) => void hasher.update(bytes), digest: () => hasher.digest('binary') };
}

/**
 * Encrypts a plaintext stream: yields the header, then one ciphertext chunk per 256 KiB of plaintext, then the final
 * chunk. The output's total size is `encryptedFileSize(plaintext size)`. `binding` defaults to the fastest one here.
 */
export async function* encryptFile(key: Uint8Array, plaintext: AsyncIterable<Uint8Array>, binding?: SecretStreamBinding): AsyncGenerator<Uint8Array> {
  const stream = (binding ?? (await secretStream())).initPush(key);
  yield stream.header;
  let previous: Uint8Array | undefined;
  // One chunk is held back (the last must be tagged final) while the next is cut: two buffers in turn serve them all
  // (push reads a chunk whole before returning).
  for await (const chunk of rechunk(plaintext, FILE_FORMAT.chunkBytes, { buffers: 2 })) {
    if (previous) yield stream.push(previous, false);
    previous = chunk;
  }
  // The last chunk is final; a file that fills its chunks exactly ends with an empty final chunk.
  const last = previous && previous.length < FILE_FORMAT.chunkBytes ? previous : undefined;
  if (previous && !last) yield stream.push(previous, false);
  yield stream.push(last ?? new Uint8Array(0), true);
}

/**
 * Decrypts a ciphertext stream (pieces of any sizes): yields plaintext chunk by chunk, each authenticated. Throws
 * FileIntegrityError on a chunk that fails, on bytes after the final chunk, and on a stream that ends before it.
 */
export async function* decryptFile(key: Uint8Array, ciphertext: AsyncIterable<Uint8Array>, binding?: SecretStreamBinding): AsyncGenerator<Uint8Array> {
  const sodium = binding ?? (await secretStream());
  const chunkBytes = FILE_FORMAT.chunkBytes + FILE_FORMAT.tagBytes;
  let state: SecretStreamPull | undefined;
  let headerBuffer = new Uint8Array(0);
  let finished = false;
  const pull = (chunk: Uint8Array): Uint8Array => {
    if (!state || finished) throw new FileIntegrityError('The file has bytes after its end.');
    let result: { message: Uint8Array; final: boolean };
    try {
      result = state.pull(chunk);
    } catch {
      throw new FileIntegrityError('The file could not be decrypted: it was altered or the key is wrong.');
    }
    if (result.final) finished = true;
    else if (chunk.length !== chunkBytes) throw new FileIntegrityError('The file is cut short.');
    return result.message;
  };
  async function* body(): AsyncGenerator<Uint8Array> {
    for await (const piece of ciphertext) {
      if (state) {
        yield piece;
        continue;
      }
      const need = FILE_FORMAT.headerBytes - headerBuffer.length;
      const merged = new Uint8Array(headerBuffer.length + Math.min(need, piece.length));
      merged.set(headerBuffer);
      merged.set(piece.subarray(0, need), headerBuffer.length);
      headerBuffer = merged;
      if (headerBuffer.length === FILE_FORMAT.headerBytes) {
        try {
          state = sodium.initPull(headerBuffer, key);
        } catch {
          throw new FileIntegrityError('The file could not be decrypted: the key is not valid.');
        }
        if (piece.length > need) yield piece.subarray(need);
      }
    }
  }
  // pull() reads each chunk whole before the next is cut: one buffer serves them all.
  for await (const chunk of rechunk(body(), chunkBytes, { buffers: 1 })) yield pull(chunk);
  if (!finished) throw new FileIntegrityError('The file is cut short.');
}

/** Compares a computed hash with the announced one (both public: no secret, so a plain comparison). */
export function assertHash(actual: Uint8Array, expected: Uint8Array): void {
  if (!bytesEqual(actual, expected)) {
    throw new FileIntegrityError('The file is not the one that was sent (its hash does not match).');
  }
}
