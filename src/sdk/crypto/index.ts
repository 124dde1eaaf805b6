/** Parley's client-side end-to-end crypto core (MLS via ts-mls). The rest of the SDK imports only from here. */
export { MlsCryptoError, isMlsCryptoError, type MlsErrorCode } from './errors.js';
export {
  certifyDevice,
  createDeviceKeys,
  decodeDeviceCertificate,
  decodeDeviceName,
  deviceCertificateMessage,
  encodeDeviceCertificate,
  encodeDeviceName,
  generateIdentityKeyPair,
  unwrapIdentityKey,
  verifyDeviceCertificate,
  wrapIdentityKey,
  type DeviceCertificate,
  type DeviceKeys,
  type DeviceName,
  type IdentityKeyPair,
} from './identity.js';
export {
  DeviceAuthenticationService,
  type AuthenticationOptions,
  type DeviceDirectory,
  type VerifiedDevice,
} from './authentication.js';
export { MlsDevice, type MlsDeviceOptions, type PublishedKeyPackage } from './device.js';
export { MlsConversation, type HandshakeOptions } from './group.js';
export type { CommitOutcome, DecryptedMessage, PendingCommit, ProposalOutcome } from './group-types.js';
export type { Member } from './group-state.js';
export { inspectMlsMessage, keyPackageRef, verifyHandshakeSignature, type HandshakeSender, type MlsFraming } from './framing.js';
export { MemoryDirectory } from './memory-directory.js';
export { CIPHERSUITE } from './suite.js';
