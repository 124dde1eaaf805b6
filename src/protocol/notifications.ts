import { z } from 'zod';
import { base64UrlBytes, Id } from './common.js';

/** A conversation's mute: for an hour, for eight hours, until turned off, or off. */
export const MuteChoice = z.enum(['1h', '8h', 'forever', 'off']);
export type MuteChoice = z.infer<typeof MuteChoice>;

/** PUT /api/conversations/:id/notify — at least one of the two. Answered with the user's view of the conversation. */
export const SetConversationNotifyRequest = z
  .strictObject({ mute: MuteChoice.optional(), mentionsOnly: z.boolean().optional() })
  .refine((r) => r.mute !== undefined || r.mentionsOnly !== undefined, 'give mute, mentionsOnly or both');
export type SetConversationNotifyRequest = z.infer<typeof SetConversationNotifyRequest>;
export const ConversationIdParams = z.strictObject({ id: Id });

/** GET /api/push/vapid-key: the server's VAPID public key (P-256, uncompressed, base64url): the applicationServerKey. */
export const VapidKeyResponse = z.strictObject({ publicKey: base64UrlBytes(65) });
export type VapidKeyResponse = z.infer<typeof VapidKeyResponse>;

/** An RFC 8030 push resource: an https URL of a push service (the server accepts only the push services it knows). */
export const PushEndpoint = z.url({ protocol: /^https?$/ }).max(1024);

/** POST /api/push/subscription: this browser's PushSubscription (its toJSON(), without expirationTime). */
export const PushSubscribeRequest = z.strictObject({
  endpoint: PushEndpoint,
  keys: z.strictObject({
    /** The user agent's P-256 public key, uncompressed (RFC 8291 ua_public). */
    p256dh: base64UrlBytes(65),
    /** The 16-byte authentication secret (RFC 8291 auth_secret). */
    auth: base64UrlBytes(16),
  }),
});
export type PushSubscribeRequest = z.infer<typeof PushSubscribeRequest>;

/** DELETE /api/push/subscription: removes this user's subscription with that endpoint. */
export const PushUnsubscribeRequest = z.strictObject({ endpoint: PushEndpoint });
export type PushUnsubscribeRequest = z.infer<typeof PushUnsubscribeRequest>;

/**
 * What a push carries, encrypted to the subscription (RFC 8291): an opaque conversation id and how many messages
 * arrived in it since the last push — never a sender, a text or a conversation's name.
 */
export const PushPayload = z.strictObject({ c: Id, n: z.number().int().positive() });
export type PushPayload = z.infer<typeof PushPayload>;
