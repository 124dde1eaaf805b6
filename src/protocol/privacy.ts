import { z } from 'zod';
import { Id } from './common.js';

/** The timers a conversation's messages can disappear after, in seconds: 5 minutes, 1 hour, 1 day, 1 week. */
export const DISAPPEARING_TIMERS = [300, 3_600, 86_400, 604_800] as const;

/** A disappearing-message timer: one of DISAPPEARING_TIMERS, or null for off. */
export const DisappearingSeconds = z
  .number({ error: 'seconds must be a number or null' })
  .int('seconds must be a whole number')
  .refine((s) => (DISAPPEARING_TIMERS as readonly number[]).includes(s), 'seconds must be one of 300, 3600, 86400, 604800 (or null: off)')
  .nullable();
export type DisappearingSeconds = z.infer<typeof DisappearingSeconds>;

export const SetDisappearingRequest = z.strictObject({ conversationId: Id, seconds: DisappearingSeconds });

/**
 * The log entry that announces a timer change: written by the server (the only author of this content type; a
 * client's send of it is refused), its body the UTF-8 JSON `{"seconds": 300}` (null: off), its sender who changed it.
 */
export const DISAPPEARING_NOTICE = 'application/vnd.parley.disappearing+json';
/** Content types only the server writes into a log. */
export const SERVER_CONTENT_PREFIX = 'application/vnd.parley.';
export const DisappearingNotice = z.strictObject({ seconds: DisappearingSeconds });

/**
 * A user's privacy switches, the same on all their devices. Read receipts off: the user's read position is told to no
 * one else, and the user is told no one's (as in Signal). Typing off: the user's typing is not relayed, and they see no
 * one's. `disappearingSeconds`: the timer of conversations the user creates from now on.
 */
export const PrivacySettingsDto = z.strictObject({
  readReceipts: z.boolean(),
  typingIndicators: z.boolean(),
  disappearingSeconds: DisappearingSeconds,
});
export type PrivacySettingsDto = z.infer<typeof PrivacySettingsDto>;

/** A change of some switches (at least one). */
export const SetPrivacyRequest = PrivacySettingsDto.partial().refine((p) => Object.keys(p).length > 0, 'name at least one setting to change');
export const PrivacyResponse = z.strictObject({ privacy: PrivacySettingsDto });
