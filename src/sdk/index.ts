export { ParleyClient, type ParleyClientOptions, type ClientEvents } from './client.js';
export { ParleyError, type SdkErrorCode } from './errors.js';
export { DEFAULT_KDF, deriveKeys, deriveMasterInThread, type DeriveMaster, type DerivedKeys } from './kdf.js';
export { checkPasswordStrength, PASSWORD_MIN_LENGTH, type PasswordStrength } from './password-strength.js';
export type { UserDto, SessionDto, KdfParams, MeResponse } from '../protocol/auth.js';
