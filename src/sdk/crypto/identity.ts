/**
 * Identities and devices.
 * - A user's identity key: an Ed25519 signing key pair (@noble/curves). Stored on the server only wrapped (AES-256-GCM)
 *   under a key derived from the client-side vaultKey.
 * - A device: its own MLS signature key pair (Ed25519, the suite's signature scheme), a BasicCredential whose identity
 *   bytes encode {username, deviceId}, and a certificate: the identity key's signature over
 *   ("parley/device-cert/v1", username, deviceId, device signature public key), every field length-prefixed.
 */
import { ed25519 } from '@noble/curves/ed25519.js';
import type { Credential } from 'ts-mls';
import { ByteReader, ByteWriter, bytesEqual } from './bytes.js';
import { MlsCryptoError } from './errors.js';
import { ciphersuite } from './suite.js';

export interface IdentityKeyPair {
  /** 32-byte Ed25519 public key: what the directory publishes for the user name. */
  publicKey: Uint8Array;
  /** 32-byte Ed25519 secret seed: never leaves the client unwrapped. */
  privateKey: Uint8Array;
}

export interface DeviceName {
  username: string;
  deviceId: string;
}

export interface DeviceCertificate extends DeviceName {
  /** The device's MLS signature public key (Ed25519, 32 bytes) that the identity key vouches for. */
  deviceSignaturePublicKey: Uint8Array;
  /** Ed25519 signature by the user's identity key over deviceCertificateMessage(...). */
  signature: Uint8Array;
}

export interface DeviceKeys extends DeviceName {
  signaturePublicKey: Uint8Array;
  signaturePrivateKey: Uint8Array;
  certificate: DeviceCertificate;
}

const DEVICE_NAME_VERSION = 1;
const CERTIFICATE_VERSION = 1;
const WRAP_VERSION = 1;
const CERT_DOMAIN = 'parley/device-cert/v1';
const WRAP_INFO = 'parley/identity-wrap/v1';
const MAX_NAME_BYTES = 255;

function checkName(value: string, field: string, where: string): void {
  const length = new TextEncoder().encode(value).length;
  if (length === 0 || length > MAX_NAME_BYTES) {
    throw new MlsCryptoError('BAD_ENCODING', where, `${field} must be 1..${MAX_NAME_BYTES} UTF-8 bytes`);
  }
}

export function generateIdentityKeyPair(): IdentityKeyPair {
  const { secretKey, publicKey } = ed25519.keygen();
  return { publicKey, privateKey: secretKey };
}

/** The BasicCredential identity bytes: version 1 || u16-len username || u16-len deviceId (UTF-8). */
export function encodeDeviceName(name: DeviceName): Uint8Array {
  checkName(name.username, 'username', 'encodeDeviceName');
  checkName(name.deviceId, 'deviceId', 'encodeDeviceName');
  return new ByteWriter().u8(DEVICE_NAME_VERSION).text(name.username).text(name.deviceId).bytes();
}

export function decodeDeviceName(bytes: Uint8Array): DeviceName {
  const r = new ByteReader(bytes, 'decodeDeviceName');
  if (r.u8() !== DEVICE_NAME_VERSION) throw new MlsCryptoError('BAD_ENCODING', 'decodeDeviceName', 'unknown version');
  const username = r.text();
  const deviceId = r.text();
  r.end();
  checkName(username, 'username', 'decodeDeviceName');
  checkName(deviceId, 'deviceId', 'decodeDeviceName');
  return { username, deviceId };
}

/** The device's MLS BasicCredential. */
export function deviceCredential(name: DeviceName): Credential {
  return { credentialType: 'basic', identity: encodeDeviceName(name) };
}

/** The exact bytes the identity key signs for a device. */
export function deviceCertificateMessage(name: DeviceName, deviceSignaturePublicKey: Uint8Array): Uint8Array {
  return new ByteWriter()
    .text(CERT_DOMAIN)
    .text(name.username)
    .text(name.deviceId)
    .short(deviceSignaturePublicKey)
    .bytes();
}

export function certifyDevice(
  identity: IdentityKeyPair,
  name: DeviceName,
  deviceSignaturePublicKey: Uint8Array,
): DeviceCertificate {
  checkName(name.username, 'username', 'certifyDevice');
  checkName(name.deviceId, 'deviceId', 'certifyDevice');
  const signature = ed25519.sign(deviceCertificateMessage(name, deviceSignaturePublicKey), identity.privateKey);
  return { username: name.username, deviceId: name.deviceId, deviceSignaturePublicKey, signature };
}

/**
 * Verifies with the same Ed25519 implementation ts-mls uses for every MLS signature (WebCrypto where available, which
 * is ~8x faster than pure-JS verification, else @noble). Never throws: malformed input is simply not valid.
 */
export async function verifyDeviceCertificate(certificate: DeviceCertificate, identityPublicKey: Uint8Array): Promise<boolean> {
  if (identityPublicKey.length !== 32 || certificate.signature.length !== 64) return false;
  if (certificate.deviceSignaturePublicKey.length !== 32) return false;
  try {
    const message = deviceCertificateMessage(certificate, certificate.deviceSignaturePublicKey);
    return await (await ciphersuite()).signature.verify(identityPublicKey, message, certificate.signature);
  } catch {
    return false;
  }
}

/** A new device: fresh MLS signature key pair, certified by the identity key. */
export function createDeviceKeys(identity: IdentityKeyPair, name: DeviceName): DeviceKeys {
  const { secretKey, publicKey } = ed25519.keygen();
  const certificate = certifyDevice(identity, name, publicKey);
  return { ...name, signaturePublicKey: publicKey, signaturePrivateKey: secretKey, certificate };
}

export function encodeDeviceCertificate(certificate: DeviceCertificate): Uint8Array {
  return new ByteWriter()
    .u8(CERTIFICATE_VERSION)
    .text(certificate.username)
    .text(certificate.deviceId)
    .short(certificate.deviceSignaturePublicKey)
    .short(certificate.signature)
    .bytes();
}

export function decodeDeviceCertificate(bytes: Uint8Array): DeviceCertificate {
  const where = 'decodeDeviceCertificate';
  const r = new ByteReader(bytes, where);
  if (r.u8() !== CERTIFICATE_VERSION) throw new MlsCryptoError('BAD_CERTIFICATE', where, 'unknown version');
  const certificate = { username: r.text(), deviceId: r.text(), deviceSignaturePublicKey: r.short(), signature: r.short() };
  r.end();
  return certificate;
}

export function encodeDeviceKeys(device: DeviceKeys): Uint8Array {
  return new ByteWriter()
    .u8(1)
    .short(device.signaturePrivateKey)
    .short(encodeDeviceCertificate(device.certificate))
    .bytes();
}

export function decodeDeviceKeys(bytes: Uint8Array): DeviceKeys {
  const r = new ByteReader(bytes, 'decodeDeviceKeys');
  if (r.u8() !== 1) throw new MlsCryptoError('BAD_ENCODING', 'decodeDeviceKeys', 'unknown version');
  const signaturePrivateKey = r.short();
  const certificate = decodeDeviceCertificate(r.short());
  r.end();
  const signaturePublicKey = ed25519.getPublicKey(signaturePrivateKey);
  if (!bytesEqual(signaturePublicKey, certificate.deviceSignaturePublicKey)) {
    throw new MlsCryptoError('BAD_CERTIFICATE', 'decodeDeviceKeys', 'certificate is not for this key');
  }
  const { username, deviceId } = certificate;
  return { username, deviceId, signaturePublicKey, signaturePrivateKey, certificate };
}

// ---- identity key wrapping (server storage) ----

function wrapAssociatedData(username: string): Uint8Array {
  return new ByteWriter().text(WRAP_INFO).text(username).u8(WRAP_VERSION).bytes();
}

async function wrapKey(vaultKey: Uint8Array, usage: KeyUsage): Promise<CryptoKey> {
  if (vaultKey.length !== 32) throw new MlsCryptoError('BAD_ENCODING', 'wrapKey', 'vaultKey must be 32 bytes');
  const subtle = globalThis.crypto.subtle;
  const base = await subtle.importKey('raw', vaultKey as BufferSource, 'HKDF', false, ['deriveKey']);
  return subtle.deriveKey(
    { name: 'HKDF', hash: 'SHA-256', salt: new Uint8Array(0), info: new TextEncoder().encode(WRAP_INFO) },
    base,
    { name: 'AES-GCM', length: 256 },
    false,
    [usage],
  );
}

/** wrapped = version(1) || nonce(12) || AES-256-GCM(key = HKDF-SHA256(vaultKey, info), aad = username). */
export async function wrapIdentityKey(identity: IdentityKeyPair, vaultKey: Uint8Array, username: string): Promise<Uint8Array> {
  checkName(username, 'username', 'wrapIdentityKey');
  const key = await wrapKey(vaultKey, 'encrypt');
  const nonce = globalThis.crypto.getRandomValues(new Uint8Array(12));
  const sealed = await globalThis.crypto.subtle.encrypt(
    { name: 'AES-GCM', iv: nonce, additionalData: wrapAssociatedData(username) as BufferSource, tagLength: 128 },
    key,
    identity.privateKey as BufferSource,
  );
  const out = new Uint8Array(1 + 12 + sealed.byteLength);
  out[0] = WRAP_VERSION;
  out.set(nonce, 1);
  out.set(new Uint8Array(sealed), 13);
  return out;
}

export async function unwrapIdentityKey(wrapped: Uint8Array, vaultKey: Uint8Array, username: string): Promise<IdentityKeyPair> {
  const where = 'unwrapIdentityKey';
  if (wrapped.length !== 1 + 12 + 32 + 16 || wrapped[0] !== WRAP_VERSION) {
    throw new MlsCryptoError('UNWRAP_FAILED', where, 'not a wrapped identity key');
  }
  const key = await wrapKey(vaultKey, 'decrypt');
  let privateKey: Uint8Array;
  try {
    const opened = await globalThis.crypto.subtle.decrypt(
      { name: 'AES-GCM', iv: wrapped.slice(1, 13), additionalData: wrapAssociatedData(username) as BufferSource, tagLength: 128 },
      key,
      wrapped.slice(13),
    );
    privateKey = new Uint8Array(opened);
  } catch (cause) {
    throw new MlsCryptoError('UNWRAP_FAILED', where, 'wrong vaultKey, wrong user, or tampered bytes', { cause });
  }
  return { privateKey, publicKey: ed25519.getPublicKey(privateKey) };
}
