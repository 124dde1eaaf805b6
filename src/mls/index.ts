/**
 * Parley's public MLS layer: what both the client's crypto core (src/sdk/crypto) and the server's delivery service
 * (src/server) read of MLS bytes and device credentials. Framing, certificates and public checks only: no secret
 * ever passes through here. Imports ts-mls and nothing else of ours.
 */
export { MlsCryptoError, isMlsCryptoError, type MlsErrorCode } from './errors.js';
export {
  decodeDeviceCertificate,
  decodeDeviceName,
  encodeDeviceCertificate,
  encodeDeviceName,
  verifyDeviceCertificate,
  type DeviceCertificate,
  type DeviceName,
} from './credentials.js';
export { inspectMlsMessage, keyPackageRef, verifyHandshakeSignature, type HandshakeSender, type MlsFraming } from './framing.js';
export { validateGroupInfo, validateKeyPackage, type GroupInfoSummary, type KeyPackageInfo } from './validate.js';
export { members, type Member } from './tree.js';
export { CIPHERSUITE } from './suite.js';
