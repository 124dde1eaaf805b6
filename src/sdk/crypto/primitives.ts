/**
 * The cryptographic primitives the SDK outside MLS calls (the KDF, the history vault, safety numbers, the browser's
 * sealed store): thin functions over WebCrypto, hash-wasm and @noble/hashes, so that every primitive the client uses
 * is called from src/sdk/crypto or src/mls (a lint rule keeps it so). Nothing here is hand-made cryptography.
 */
import { sha512 as nobleSha512 } from '@noble/hashes/sha2.js';
import { argon2id as wasmArgon2id } from 'hash-wasm';

const subtle = () => globalThis.crypto.subtle;
const utf8 = (s: string) => new TextEncoder().encode(s);

/** Argon2id with a 32-byte output. */
export function argon2id(password: string, salt: Uint8Array, params: { parallelism: number; iterations: number; memoryKiB: number }): Promise<Uint8Array> {
  return wasmArgon2id({
    password,
    salt,
    parallelism: params.parallelism,
    iterations: params.iterations,
    memorySize: params.memoryKiB,
    hashLength: 32,
    outputType: 'binary',
  });
}

export const sha512 = (data: Uint8Array): Uint8Array => nobleSha512(data);

export async function sha256(data: Uint8Array): Promise<Uint8Array> {
  return new Uint8Array(await subtle().digest('SHA-256', data as BufferSource));
}

/** HKDF-SHA256 (empty salt) → `bits` bits. */
export async function hkdfSha256(ikm: Uint8Array, info: string, bits = 256): Promise<Uint8Array> {
  const key = await subtle().importKey('raw', ikm as BufferSource, 'HKDF', false, ['deriveBits']);
  const out = await subtle().deriveBits({ name: 'HKDF', hash: 'SHA-256', salt: new Uint8Array(0), info: utf8(info) }, key, bits);
  return new Uint8Array(out);
}

/** HKDF-SHA256 (empty salt) → a non-extractable AES-256-GCM key. */
export async function hkdfAesGcmKey(ikm: Uint8Array, info: string, usages: KeyUsage[]): Promise<CryptoKey> {
  const base = await subtle().importKey('raw', ikm as BufferSource, 'HKDF', false, ['deriveKey']);
  return subtle().deriveKey(
    { name: 'HKDF', hash: 'SHA-256', salt: new Uint8Array(0), info: utf8(info) },
    base,
    { name: 'AES-GCM', length: 256 },
    false,
    usages,
  );
}

/** A new random AES-256-GCM key, non-extractable (its bytes can never be read by script, only used). */
export function newAesGcmKey(): Promise<CryptoKey> {
  return subtle().generateKey({ name: 'AES-GCM', length: 256 }, false, ['encrypt', 'decrypt']);
}

/** AES-GCM with a random 12-byte IV: the IV and the ciphertext apart. */
export async function aesGcmEncrypt(key: CryptoKey, plaintext: Uint8Array, aad: Uint8Array): Promise<{ iv: Uint8Array; data: ArrayBuffer }> {
  const iv = globalThis.crypto.getRandomValues(new Uint8Array(12));
  const data = await subtle().encrypt({ name: 'AES-GCM', iv, additionalData: aad as BufferSource }, key, plaintext as BufferSource);
  return { iv, data };
}

export async function aesGcmDecrypt(key: CryptoKey, iv: Uint8Array, data: BufferSource, aad: Uint8Array): Promise<Uint8Array> {
  return new Uint8Array(await subtle().decrypt({ name: 'AES-GCM', iv: iv as BufferSource, additionalData: aad as BufferSource }, key, data));
}

/** AES-GCM sealed as one byte string: IV (12 bytes) ‖ ciphertext. */
export async function sealAesGcm(key: CryptoKey, plaintext: Uint8Array, aad: Uint8Array): Promise<Uint8Array> {
  const { iv, data } = await aesGcmEncrypt(key, plaintext, aad);
  const sealed = new Uint8Array(data);
  const out = new Uint8Array(12 + sealed.length);
  out.set(iv);
  out.set(sealed, 12);
  return out;
}

export function openAesGcm(key: CryptoKey, body: Uint8Array, aad: Uint8Array): Promise<Uint8Array> {
  return aesGcmDecrypt(key, body.slice(0, 12), body.slice(12), aad);
}

/** A raw 32-byte AES-256-GCM key, imported non-extractable. */
export function importAesGcmKey(raw: Uint8Array): Promise<CryptoKey> {
  return subtle().importKey('raw', raw as BufferSource, 'AES-GCM', false, ['encrypt', 'decrypt']);
}
