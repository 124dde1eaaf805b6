/**
 * Device names and device certificates: the public half of Parley's identities, read by clients (the authentication
 * service) and by the server (the directory checks a certificate before it publishes it).
 * - A device's BasicCredential identity bytes encode {username, deviceId}.
 * - A certificate is the user's identity key's Ed25519 signature over ("parley/device-cert/v1", username, deviceId,
 *   device signature public key), every field length-prefixed.
 */
import { ByteReader, ByteWriter } from './bytes.js';
import { MlsCryptoError } from './errors.js';
import { ciphersuite } from './suite.js';

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

const DEVICE_NAME_VERSION = 1;
const CERTIFICATE_VERSION = 1;
const CERT_DOMAIN = 'parley/device-cert/v1';
const MAX_NAME_BYTES = 255;

/** A user name or device id must be 1..255 UTF-8 bytes. */
export function checkName(value: string, field: string, where: string): void {
  const length = new TextEncoder().encode(value).length;
  if (length === 0 || length > MAX_NAME_BYTES) {
    throw new MlsCryptoError('BAD_ENCODING', where, `${field} must be 1..${MAX_NAME_BYTES} UTF-8 bytes`);
  }
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

/** The exact bytes the identity key signs for a device. */
export function deviceCertificateMessage(name: DeviceName, deviceSignaturePublicKey: Uint8Array): Uint8Array {
  return new ByteWriter()
    .text(CERT_DOMAIN)
    .text(name.username)
    .text(name.deviceId)
    .short(deviceSignaturePublicKey)
    .bytes();
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
