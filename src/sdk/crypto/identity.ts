/**
 * Identities and devices.
 * - A user's identity key: an Ed25519 signing key pair (@noble/curves). Stored on the server only wrapped (AES-256-GCM)
 *   under a key derived from the client-side vaultKey.
 * - A device: its own MLS signature key pair (Ed25519, the suite's signature scheme), a BasicCredential whose identity
 *   bytes encode {username, deviceId}, and a certificate: the identity key's signature over
 *   ("parley/device-cert/v1", username, deviceId, device signature public key), every field length-prefixed.
 * The public half (device names, certificates and their check) is in src/mls/credentials.ts, shared with the server.
 */
import { ed25519 } from '@noble/curves/ed25519.js';
import type { Credential } from 'ts-mls';
import {
  checkName,
  decodeDeviceCertificate,
  deviceCertificateMessage,
  encodeDeviceCertificate,
  encodeDeviceName,
  type DeviceCertificate,
  type DeviceName,
} from '../../mls/credentials.js';
import { ByteReader, ByteWriter, bytesEqual } from './bytes.js';
import { MlsCryptoError } from './errors.js';

export {
  decodeDeviceCertificate,
  decodeDeviceName,
  deviceCertificateMessage,
  encodeDeviceCertificate,
  encodeDeviceName,
  verifyDeviceCertificate,
  type DeviceCertificate,
  type DeviceName,
} from '../../mls/credentials.js';

export interface IdentityKeyPair {
  /** 32-byte Ed25519 public key: what the directory publishes for the user name. */
  publicKey: Uint8Array;
  /** 32-byte Ed25519 secret seed: never leaves the client unwrapped. */
  privateKey: Uint8Array;
}

export interface DeviceKeys extends DeviceName {
  signaturePublicKey: Uint8Array;
  signaturePrivateKey: Uint8Array;
  certificate: DeviceCertificate;
}

const WRAP_VERSION = 1;
const WRAP_INFO = 'parley/identity-wrap/v1';

export function generateIdentityKeyPair(): IdentityKeyPair {
  const { secretKey, publicKey } = ed25519.keygen();
  return { publicKey, privateKey: secretKey };
}

/** The device's MLS BasicCredential. */
export function deviceCredential(name: DeviceName): Credential {
  return { credentialType: 'basic', identity: encodeDeviceName(name) };
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

/** A new device: fresh MLS signature key pair, certified by the identity key. */
export function createDeviceKeys(identity: IdentityKeyPair, name: DeviceName): DeviceKeys {
  const { secretKey, publicKey } = ed25519.keygen();
  const certificate = certifyDevice(identity, name, publicKey);
  return { ...name, signaturePublicKey: publicKey, signaturePrivateKey: secretKey, certificate };
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
