import { z } from 'zod';
import { Username } from './common.js';

/** How the signed-in user stands with another user. */
export const ContactState = z.enum(['accepted', 'incoming', 'outgoing', 'blocked', 'none']);
export type ContactState = z.infer<typeof ContactState>;

export const ContactDto = z.strictObject({
  username: Username,
  state: ContactState,
  /** Only for accepted contacts (presence is visible to contacts only). */
  online: z.boolean().optional(),
  since: z.iso.datetime(),
});
export type ContactDto = z.infer<typeof ContactDto>;

export const UsernameRequest = z.strictObject({ username: Username });
export type UsernameRequest = z.infer<typeof UsernameRequest>;

export const ContactResponse = z.strictObject({ contact: ContactDto });
export const ContactsListRequest = z.strictObject({});
export const ContactsListResponse = z.strictObject({ contacts: z.array(ContactDto) });
export type ContactsListResponse = z.infer<typeof ContactsListResponse>;

export const PresenceEvent = z.strictObject({ username: Username, online: z.boolean() });
export type PresenceEvent = z.infer<typeof PresenceEvent>;
