export { ParleyClient, type ParleyClientOptions, type ClientEvents } from './client.js';
export type { SessionPersistence } from './http.js';
export { ParleyError, type SdkErrorCode } from './errors.js';
export { DEFAULT_KDF, deriveKeys, deriveMasterInThread, type DeriveMaster, type DerivedKeys } from './kdf.js';
export { checkPasswordStrength, PASSWORD_MIN_LENGTH, type PasswordStrength } from './password-strength.js';
export type { UserDto, SessionDto, KdfParams, MeResponse } from '../protocol/auth.js';
export type { Message, MessageAttachment, MessageQuote, MessageReaction } from './message-stream.js';
export type { SendContent, UploadProgress } from './engine/rich-send.js';
export { CONTENT_LIMITS } from './content/codec.js';
export type { AttachmentInput, TransferOptions } from './attachments.js';
export { isSingleEmoji } from './content/codec.js';
export { ConversationEngine } from './engine/conversation-engine.js';
export type { ConversationEntry, EngineMessage, EngineState, MessageWindow, SendStatus } from './engine/types.js';
export type { ContactDto, ContactState, PresenceEvent } from '../protocol/contacts.js';
export type { ConversationDto, MemberDto, NotifySettingsDto, Role, TypingEvent } from '../protocol/conversations.js';
export type { MuteChoice, PushPayload } from '../protocol/notifications.js';
export { Notifications, type PushSubscriptionJson } from './notifications.js';
export type { ReadEvent } from '../protocol/messages.js';
export { MemoryStore, type SecretStore } from './e2ee/store.js';
/** AES-256-GCM under a non-extractable key (WebCrypto): for a page's sealed IndexedDB values, as the MLS worker seals its own. */
export { aesGcmDecrypt, aesGcmEncrypt, newAesGcmKey } from './crypto/primitives.js';
export { E2ee, MAX_ENCRYPTED_CONTENT_BYTES, UNDECRYPTABLE, type GroupView } from './e2ee/engine.js';
export type { E2eeApi, EngineHost, OpenE2ee, OpenOptions } from './e2ee/api.js';
export { deferringRecords } from './e2ee/deferred-records.js';
export { pageCourier } from './e2ee/vault-courier.js';
export type { IdentityChange, Verification } from './e2ee/trust.js';
export { formatSafetyNumber, safetyNumber } from './e2ee/safety.js';
export type { DeviceDto } from '../protocol/e2e.js';
export type { BackfillProgress, SearchHit, SearchOptions, Snippet, RemoteSearch, SearchEvent, SearchSide } from './search/index.js';
export { SEARCH_SIDE_METHODS } from './search/index.js';
export { Bot, splitArgs, type BotContext, type BotOptions, type CommandContext } from './bot.js';
export type { ExportedConversation, ExportProgress, HistoryExport } from './export.js';
export { formatRecoveryKey, parseRecoveryKey } from './recovery.js';
export type { MessageNotice } from './message-stream.js';
export { Privacy, type PrivacySettings } from './privacy.js';
export { DISAPPEARING_TIMERS } from '../protocol/privacy.js';
export {
  MemoryProfileKeyRing,
  normalizeDisplayName,
  PROFILE_LIMITS,
  type Avatar,
  type Profile,
  type ProfileChanges,
  type ProfileKeyRing,
} from './profile.js';
