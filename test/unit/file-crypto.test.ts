import { randomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { encryptedFileSize, FILE_FORMAT } from '../../src/protocol/blobs.js';
import { decryptFile, encryptFile, FileIntegrityError, newFileKey, rechunk } from '../../src/sdk/crypto/file-crypto.js';
import { nativeSecretStream, secretStream, type SecretStreamBinding, wasmSecretStream } from '../../src/sdk/crypto/secretstream.js';

async function collect(source: AsyncIterable<Uint8Array>): Promise<Buffer> {
  const parts: Uint8Array[] = [];
  for await (const p of source) parts.push(p);
  return Buffer.concat(parts);
}
function pieces(bytes: Uint8Array, size: number): AsyncIterable<Uint8Array> {
  const all: Uint8Array[] = [];
  for (let at = 0; at < bytes.length; at += size) all.push(bytes.subarray(at, at + size));
  return (async function* () {
    for (const piece of all) yield await Promise.resolve(piece);
  })();
}
const C = FILE_FORMAT.chunkBytes;

describe('file encryption (libsodium secretstream)', () => {
  it('round-trips files of every awkward size, fed in pieces of any size, at the announced ciphertext size', async () => {
    const key = await newFileKey();
    for (const size of [0, 1, C - 1, C, C + 1, 3 * C, 3 * C + 17]) {
      const plain = randomBytes(size);
      const ciphertext = await collect(encryptFile(key, pieces(plain, 10_000)));
      expect(ciphertext.length).toBe(encryptedFileSize(size));
      expect((await collect(decryptFile(key, pieces(ciphertext, 7_777)))).equals(plain)).toBe(true);
    }
  });

  it('a fresh key and header every time: the same file never gives the same ciphertext', async () => {
    const plain = randomBytes(1000);
    const a = await collect(encryptFile(await newFileKey(), pieces(plain, 1000)));
    const b = await collect(encryptFile(await newFileKey(), pieces(plain, 1000)));
    expect(a.equals(b)).toBe(false);
  });

  it('refuses a flipped bit, a wrong key, a cut-off end, a dropped chunk and bytes after the end', async () => {
    const key = await newFileKey();
    const plain = randomBytes(3 * C + 5);
    const ct = await collect(encryptFile(key, pieces(plain, C)));
    const flipped = Buffer.from(ct);
    flipped[100] = (flipped[100] ?? 0) ^ 1;
    const chunk = C + FILE_FORMAT.tagBytes;
    const cases: [Uint8Array, Uint8Array][] = [
      [key, flipped],
      [await newFileKey(), ct],
      [key, ct.subarray(0, FILE_FORMAT.headerBytes + 3 * chunk)],
      [key, Buffer.concat([ct.subarray(0, FILE_FORMAT.headerBytes + chunk), ct.subarray(FILE_FORMAT.headerBytes + 2 * chunk)])],
      [key, Buffer.concat([ct, Buffer.from([1, 2, 3])])],
      [key, ct.subarray(0, 10)],
    ];
    for (const [k, bytes] of cases) {
      await expect(collect(decryptFile(k, pieces(bytes, 5000)))).rejects.toBeInstanceOf(FileIntegrityError);
    }
  });

  it('rechunk cuts any stream into exact pieces', async () => {
    const sizes: number[] = [];
    for await (const p of rechunk(pieces(randomBytes(25), 7), 10)) sizes.push(p.length);
    expect(sizes).toEqual([10, 10, 5]);
  });

  it('rechunk with reused buffers gives the same bytes to a consumer that uses each piece before the next', async () => {
    const bytes = randomBytes(1000);
    for (const [buffers, sourceSize] of [[1, 7], [1, 64], [2, 7], [2, 64]] as const) {
      const copied: Buffer[] = [];
      const held: Uint8Array[] = [];
      for await (const p of rechunk(pieces(bytes, sourceSize), 30, { buffers })) {
        copied.push(Buffer.from(p));
        held.push(p);
        // The piece before (with two buffers) is still intact when the next arrives.
        if (buffers === 2 && held.length > 1) expect(Buffer.from(held.at(-2) ?? [])).toEqual(copied.at(-2));
      }
      expect(Buffer.concat(copied)).toEqual(bytes);
      expect(copied.map((c) => c.length).slice(0, -1).every((n) => n === 30)).toBe(true);
    }
  });
});

describe('file encryption through two bindings of libsodium (sodium-native in Node, libsodium-wrappers elsewhere)', () => {
  async function bindings(): Promise<{ native: SecretStreamBinding; wasm: SecretStreamBinding }> {
    const native = await nativeSecretStream();
    if (!native) throw new Error('sodium-native did not load in Node');
    return { native, wasm: await wasmSecretStream() };
  }

  it('in Node the SDK uses sodium-native', async () => {
    expect((await secretStream()).name).toBe('sodium-native');
    expect((await wasmSecretStream()).name).toBe('libsodium-wrappers');
  });

  it('a file encrypted with either binding decrypts with the other, at every awkward size', async () => {
    const { native, wasm } = await bindings();
    for (const [from, to] of [[native, wasm], [wasm, native]] as const) {
      const key = from.keygen();
      for (const size of [0, 1, C - 1, C, C + 1, 3 * C + 17]) {
        const plain = randomBytes(size);
        const ciphertext = await collect(encryptFile(key, pieces(plain, 10_000), from));
        expect(ciphertext.length).toBe(encryptedFileSize(size));
        expect((await collect(decryptFile(key, pieces(ciphertext, 7_777), to))).equals(plain)).toBe(true);
      }
    }
  });

  it('both bindings refuse a tampered chunk, a truncated stream, a dropped chunk and a wrong key from the other', async () => {
    const { native, wasm } = await bindings();
    const chunk = C + FILE_FORMAT.tagBytes;
    for (const [from, to] of [[native, wasm], [wasm, native], [native, native]] as const) {
      const key = from.keygen();
      const ct = await collect(encryptFile(key, pieces(randomBytes(3 * C + 5), C), from));
      const tampered = Buffer.from(ct);
      const at = FILE_FORMAT.headerBytes + chunk + 50;
      tampered[at] = (tampered[at] ?? 0) ^ 1;
      const cases: [Uint8Array, Uint8Array][] = [
        [key, tampered],
        [key, ct.subarray(0, FILE_FORMAT.headerBytes + 3 * chunk)],
        [key, ct.subarray(0, ct.length - 1)],
        [key, Buffer.concat([ct.subarray(0, FILE_FORMAT.headerBytes + chunk), ct.subarray(FILE_FORMAT.headerBytes + 2 * chunk)])],
        [to.keygen(), ct],
        [key, ct.subarray(0, 10)],
      ];
      for (const [k, bytes] of cases) {
        await expect(collect(decryptFile(k, pieces(bytes, 5000), to))).rejects.toBeInstanceOf(FileIntegrityError);
      }
      // The untouched stream still decrypts, so the failures above come from the changes.
      await expect(collect(decryptFile(key, pieces(ct, 5000), to))).resolves.toHaveLength(3 * C + 5);
    }
  });
});
