import { z } from 'zod';
import type { ErrorBody } from './errors.js';
import {
  ListVaultRecordsRequest,
  ListVaultRecordsResponse,
  PutVaultRecordsRequest,
  PutVaultRecordsResponse,
  SetVaultKeyRequest,
  VaultKeyResponse,
} from './vault.js';
import { UserDto } from './auth.js';
import { ProfileChangedEvent } from './profiles.js';
import { ContactDto, ContactResponse, ContactsListRequest, ContactsListResponse, PresenceEvent, UsernameRequest } from './contacts.js';
import {
  ConversationDto,
  ConversationIdRequest,
  ConversationRemovedEvent,
  ConversationResponse,
  ConversationsListRequest,
  ConversationsListResponse,
  CreateGroupRequest,
  MemberRequest,
  OpenDirectRequest,
  RenameRequest,
  SetRoleRequest,
  TypingEvent,
  TypingRequest,
} from './conversations.js';
import {
  AckWelcomesRequest,
  ClaimKeyPackagesRequest,
  ClaimKeyPackagesResponse,
  DeviceIdRequest,
  DeviceResponse,
  DevicesResponse,
  DirectoryEntry,
  DirectoryLookupRequest,
  GetIdentityResponse,
  GroupInfoRequest,
  GroupInfoResponse,
  GroupStateResponse,
  IdentityResponse,
  ListDevicesRequest,
  MlsInitRequest,
  PublishIdentityRequest,
  PublishKeyPackagesRequest,
  PublishKeyPackagesResponse,
  RegisterDeviceRequest,
  WelcomeEvent,
  WelcomesRequest,
  WelcomesResponse,
} from './e2e.js';
import {
  AfterRequest,
  DeleteMessageRequest,
  EditMessageRequest,
  HistoryRequest,
  MessageDto,
  MessageResponse,
  MessagesResponse,
  ReadEvent,
  ReadRequest,
  ReadResponse,
  SendMessageRequest,
} from './messages.js';
import { PrivacyResponse, SetDisappearingRequest, SetPrivacyRequest } from './privacy.js';

/** Every socket acknowledgement is `{ data }` on success or `{ error: { code, message } }`. */
export type Ack<T> = { data: T } | ErrorBody;
export type AckFn<T> = (response: Ack<T>) => void;

export const WhoamiResponse = z.strictObject({ user: UserDto, sessionId: z.uuid() });
export type WhoamiResponse = z.infer<typeof WhoamiResponse>;
const Ok = z.strictObject({ ok: z.literal(true) });

/**
 * Client → server requests: one payload schema and one answer schema per event. The server's adapter parses the
 * payload with `request`; the SDK parses the answer with `response`. One truth for the wire.
 */
export const clientEvents = {
  whoami: { request: z.strictObject({}), response: WhoamiResponse },

  'contacts:list': { request: ContactsListRequest, response: ContactsListResponse },
  'contacts:request': { request: UsernameRequest, response: ContactResponse },
  'contacts:accept': { request: UsernameRequest, response: ContactResponse },
  'contacts:decline': { request: UsernameRequest, response: ContactResponse },
  'contacts:cancel': { request: UsernameRequest, response: ContactResponse },
  'contacts:remove': { request: UsernameRequest, response: ContactResponse },
  'contacts:block': { request: UsernameRequest, response: ContactResponse },
  'contacts:unblock': { request: UsernameRequest, response: ContactResponse },

  'conversations:list': { request: ConversationsListRequest, response: ConversationsListResponse },
  'conversations:get': { request: ConversationIdRequest, response: ConversationResponse },
  'conversations:openDirect': { request: OpenDirectRequest, response: ConversationResponse },
  'conversations:createGroup': { request: CreateGroupRequest, response: ConversationResponse },
  'conversations:addMember': { request: MemberRequest, response: ConversationResponse },
  'conversations:removeMember': { request: MemberRequest, response: ConversationResponse },
  'conversations:setRole': { request: SetRoleRequest, response: ConversationResponse },
  'conversations:rename': { request: RenameRequest, response: ConversationResponse },
  'conversations:leave': { request: ConversationIdRequest, response: Ok },
  'conversations:setDisappearing': { request: SetDisappearingRequest, response: ConversationResponse },

  'privacy:get': { request: z.strictObject({}), response: PrivacyResponse },
  'privacy:set': { request: SetPrivacyRequest, response: PrivacyResponse },

  'messages:send': { request: SendMessageRequest, response: MessageResponse },
  'messages:edit': { request: EditMessageRequest, response: MessageResponse },
  'messages:delete': { request: DeleteMessageRequest, response: MessageResponse },
  'messages:history': { request: HistoryRequest, response: MessagesResponse },
  'messages:after': { request: AfterRequest, response: MessagesResponse },
  'messages:read': { request: ReadRequest, response: ReadResponse },
  typing: { request: TypingRequest, response: Ok },

  // End-to-end encryption: the directory and the MLS delivery service (commits and ciphertext go through messages:send).
  'identity:publish': { request: PublishIdentityRequest, response: IdentityResponse },
  'identity:get': { request: z.strictObject({}), response: GetIdentityResponse },
  'devices:register': { request: RegisterDeviceRequest, response: DeviceResponse },
  'devices:list': { request: ListDevicesRequest, response: DevicesResponse },
  'devices:remove': { request: DeviceIdRequest, response: DeviceResponse },
  'directory:lookup': { request: DirectoryLookupRequest, response: DirectoryEntry },
  'keyPackages:publish': { request: PublishKeyPackagesRequest, response: PublishKeyPackagesResponse },
  'keyPackages:claim': { request: ClaimKeyPackagesRequest, response: ClaimKeyPackagesResponse },
  'mls:init': { request: MlsInitRequest, response: GroupStateResponse },
  'mls:groupInfo': { request: GroupInfoRequest, response: GroupInfoResponse },
  'mls:welcomes': { request: WelcomesRequest, response: WelcomesResponse },
  'mls:ackWelcomes': { request: AckWelcomesRequest, response: Ok },

  // The history vault: sealed copies of a user's readable history, for their other and future browsers.
  'vault:key:get': { request: z.strictObject({}), response: VaultKeyResponse },
  'vault:key:set': { request: SetVaultKeyRequest, response: VaultKeyResponse.pick({ version: true }) },
  'vault:put': { request: PutVaultRecordsRequest, response: PutVaultRecordsResponse },
  'vault:list': { request: ListVaultRecordsRequest, response: ListVaultRecordsResponse },
} as const;

export type ClientEventName = keyof typeof clientEvents;
export type ClientEventRequest<E extends ClientEventName> = z.input<(typeof clientEvents)[E]['request']>;
export type ClientEventResponse<E extends ClientEventName> = z.infer<(typeof clientEvents)[E]['response']>;

/** Client → server events, for socket.io's typing: each takes one payload and an acknowledgement. */
export type ClientToServerEvents = {
  [E in ClientEventName]: (payload: unknown, ack: AckFn<ClientEventResponse<E>>) => void;
};

/** Server → client events, with their payload schemas (the SDK parses every one). */
export const serverEvents = {
  /** Sent once the connection has joined its rooms: from here on no event for this user is missed. */
  ready: z.strictObject({}),
  'session:revoked': z.strictObject({ reason: z.enum(['logout', 'revoked', 'password-changed', 'suspended', 'deleted']) }),
  contact: z.strictObject({ contact: ContactDto }),
  presence: PresenceEvent,
  conversation: z.strictObject({ conversation: ConversationDto }),
  'conversation:removed': ConversationRemovedEvent,
  message: z.strictObject({ message: MessageDto }),
  'message:updated': z.strictObject({ message: MessageDto }),
  typing: TypingEvent,
  read: ReadEvent,
  /** An MLS Welcome for one of the user's devices (its `deviceId` says which), after its commit was accepted. */
  welcome: WelcomeEvent,
  /** The user's privacy settings changed (on another of their devices). */
  privacy: PrivacyResponse,
  /** A profile this user may read (or their own) changed: fetch GET /api/profiles/:username for the new version. */
  profile: ProfileChangedEvent,
} as const;

export type ServerEventName = keyof typeof serverEvents;
export type ServerToClientEvents = {
  [E in ServerEventName]: (payload: z.infer<(typeof serverEvents)[E]>) => void;
};
