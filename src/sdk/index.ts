export { ParleyClient, type ParleyClientOptions, type ClientEvents } from './client.js';
export { ParleyError, type SdkErrorCode } from './errors.js';
export { DEFAULT_KDF, deriveKeys, deriveMasterInThread, type DeriveMaster, type DerivedKeys } from './kdf.js';
export { checkPasswordStrength, PASSWORD_MIN_LENGTH, type PasswordStrength } from './password-strength.js';
export type { UserDto, SessionDto, KdfParams, MeResponse } from '../protocol/auth.js';
export type { Message } from './message-stream.js';
export type { ContactDto, ContactState, PresenceEvent } from '../protocol/contacts.js';
export type { ConversationDto, MemberDto, Role, TypingEvent } from '../protocol/conversations.js';
export type { ReadEvent } from '../protocol/messages.js';
