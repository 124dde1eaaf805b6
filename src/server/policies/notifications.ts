import type { Actor } from './actor.js';

/** The member's settings that decide whether a conversation's messages may be pushed to them. */
export interface NotifyStanding {
  mutedUntil: number | null;
  mentionsOnly: boolean;
}

/**
 * How many of these messages may be pushed to this member now (0: no push): not for their own messages, not while muted, and not in "mentions only"
 * (a mention is inside the ciphertext, which the server cannot read: the open app decides those).
 */
export function pushCount(member: NotifyStanding & { username: string }, senders: readonly string[], now: number): number {
  if (member.mentionsOnly) return 0;
  if (member.mutedUntil !== null && member.mutedUntil > now) return 0;
  return senders.filter((s) => s !== member.username).length;
}

/** A user may remove only their own subscriptions (anyone else's answers as unknown). */
export function canRemovePushSubscription<R extends { user_id: string }>(actor: Actor, row: R | undefined): row is R {
  return row !== undefined && row.user_id === actor.user.id;
}

export interface PushEndpointRules {
  /** Host names (and their subdomains) of the push services the server will call. */
  hosts: readonly string[];
  /** Plain http endpoints (tests only: a stand-in push service on loopback). */
  allowHttp: boolean;
}

/**
 * Whether the server may be made to POST to this endpoint: https (http only when allowed) on a known push service's
 * host. The allowlist keeps a subscription from turning the server into a request forwarder to any address.
 */
export function pushEndpointAllowed(endpoint: string, rules: PushEndpointRules): boolean {
  let url: URL;
  try {
    url = new URL(endpoint);
  } catch {
    return false;
  }
  if (url.protocol !== 'https:' && !(rules.allowHttp && url.protocol === 'http:')) return false;
  if (url.username || url.password) return false;
  const host = url.hostname.toLowerCase();
  return rules.hosts.some((h) => host === h || host.endsWith(`.${h}`));
}
