/**
 * Who learns what of a user's reading and typing (the privacy switches, as in Signal: a user who shares no read
 * receipts sees none, a user who shares no typing sees none).
 */
export interface PrivacySwitches {
  readReceipts: boolean;
  typingIndicators: boolean;
}

export const DEFAULT_SWITCHES: PrivacySwitches = { readReceipts: true, typingIndicators: true };

/**
 * Where a member's new read position goes: always to the reader's own devices (their unread counts); to the other
 * members only if the reader shares receipts, and never to a member who does not (`withheldFrom`: their user ids).
 */
export function readAudience(
  reader: { id: string; switches: PrivacySwitches },
  members: readonly { id: string; switches: PrivacySwitches }[],
): { everyone: boolean; withheldFrom: string[] } {
  if (!reader.switches.readReceipts) return { everyone: false, withheldFrom: [] };
  return { everyone: true, withheldFrom: members.filter((m) => m.id !== reader.id && !m.switches.readReceipts).map((m) => m.id) };
}

/** Typing is relayed only from a user who shares it, and only to members who share theirs. */
export function typingAudience(
  typist: { id: string; switches: PrivacySwitches },
  members: readonly { id: string; switches: PrivacySwitches }[],
): { relay: boolean; withheldFrom: string[] } {
  if (!typist.switches.typingIndicators) return { relay: false, withheldFrom: [] };
  return { relay: true, withheldFrom: members.filter((m) => m.id !== typist.id && !m.switches.typingIndicators).map((m) => m.id) };
}
