import type { PrivacySettingsDto } from '../../protocol/privacy.js';
import { findPrivacy, privacyOfUsers, savePrivacy, type PrivacyRow } from '../db/repositories/disappearing.js';
import type { Deps } from '../deps.js';
import type { Actor } from '../policies/actor.js';
import { DEFAULT_SWITCHES, typingAudience, type PrivacySwitches } from '../policies/privacy.js';
import { listMembers } from '../db/repositories/conversations.js';

function present(row: PrivacyRow | undefined): PrivacySettingsDto {
  if (!row) return { ...DEFAULT_SWITCHES, disappearingSeconds: null };
  return { readReceipts: row.read_receipts === 1, typingIndicators: row.typing_indicators === 1, disappearingSeconds: row.default_disappearing_seconds };
}

/** The user's privacy settings (the defaults until they change one). */
export async function getPrivacy(deps: Deps, actor: Actor): Promise<{ privacy: PrivacySettingsDto }> {
  return { privacy: present(await findPrivacy(deps.db, actor.user.id)) };
}

/** Changes some of the user's privacy settings; the user's other devices are told (`privacy`). */
export async function setPrivacy(deps: Deps, actor: Actor, change: Partial<PrivacySettingsDto>): Promise<{ privacy: PrivacySettingsDto }> {
  const privacy = { ...present(await findPrivacy(deps.db, actor.user.id)), ...change };
  await savePrivacy(deps.db, {
    user_id: actor.user.id,
    read_receipts: privacy.readReceipts ? 1 : 0,
    typing_indicators: privacy.typingIndicators ? 1 : 0,
    default_disappearing_seconds: privacy.disappearingSeconds,
    updated_at: deps.clock.now(),
  });
  deps.events.publish({ type: 'privacy.changed', userId: actor.user.id, privacy });
  return { privacy };
}

/** Each user's switches (the defaults for those who never changed them). */
export async function switchesOf(deps: Pick<Deps, 'db'>, userIds: string[]): Promise<Map<string, PrivacySwitches>> {
  const rows = await privacyOfUsers(deps.db, userIds);
  return new Map(userIds.map((id) => [id, present(rows.get(id))]));
}

/** Whether a member's typing is relayed in a conversation, and which members are not told (policies/privacy.ts). */
export async function typingAudienceOf(deps: Pick<Deps, 'db'>, userId: string, conversationId: string): Promise<{ relay: boolean; withheldFrom: string[] }> {
  const members = await listMembers(deps.db, conversationId);
  const switches = await switchesOf(deps, members.map((m) => m.user_id));
  const withSwitches = (id: string) => ({ id, switches: switches.get(id) ?? DEFAULT_SWITCHES });
  return typingAudience(withSwitches(userId), members.map((m) => withSwitches(m.user_id)));
}
