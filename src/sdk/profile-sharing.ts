/**
 * How a profile key reaches the people who may read the profile: inside MLS, as a `profile-key` application message
 * in each conversation the owner shares with them (the direct conversation with each contact, and every group). Each
 * member's end-to-end layer keeps the newest key per sender in its sealed store (e2ee/profile-keys.ts), so it survives
 * a reload, and a new device of theirs reads it from the history vault like any entry.
 */
import type { ContactDto } from '../protocol/contacts.js';
import type { ConversationDto } from '../protocol/conversations.js';
import type { MessageDto } from '../protocol/messages.js';
import type { E2eeApi } from './e2ee/api.js';
import type { Content } from './e2ee/content.js';
import { base64UrlToBytes, bytesToBase64Url } from './encoding.js';
import { ParleyError } from './errors.js';
import type { SendPayload } from './message-stream.js';
import type { ProfileKeyRing } from './profile.js';

export interface SharingHost {
  e2ee(): E2eeApi | undefined;
  /** Resolves once the end-to-end layer being opened (after a reload) is open, or failed to. */
  e2eeReady?(): Promise<unknown>;
  me(): string | undefined;
  conversations(): Promise<ConversationDto[]>;
  contacts(): Promise<ContactDto[]>;
  /** The direct conversation with a contact (made if there is none yet). */
  openDirect(username: string): Promise<ConversationDto>;
  sendPayload(conversationId: string, payload: SendPayload): Promise<MessageDto>;
}

/** The conversations a key goes to: groups, and direct conversations with accepted contacts (minus `except`). */
export function shareTargets(conversations: ConversationDto[], contacts: ContactDto[], me: string, except?: string): ConversationDto[] {
  const accepted = new Set(contacts.filter((c) => c.state === 'accepted').map((c) => c.username.toLowerCase()));
  const gone = except?.toLowerCase();
  return conversations.filter((c) => {
    if (c.kind === 'group') return true;
    const other = c.members.find((m) => m.username.toLowerCase() !== me.toLowerCase())?.username.toLowerCase();
    return other !== undefined && other !== gone && accepted.has(other);
  });
}

/**
 * The profile keys this client holds, read from its end-to-end layer (its own key included: it shares it too). Besides
 * sharing a new key everywhere, it hands the current one to whoever comes later: a user who becomes a contact gets it
 * in the direct conversation, and a group gets it again when a member joins it (they could not read it before).
 */
export class E2eeProfileKeys implements ProfileKeyRing {
  /** The own key as last set in this client, with whose it is (a client may sign in as another user). */
  private mine: { owner: string; key: Uint8Array } | undefined;
  /** Per group: the members the current key was last sent to, in this client's lifetime. */
  private readonly sentTo = new Map<string, Set<string>>();
  constructor(private readonly host: SharingHost) {}

  async own(): Promise<Uint8Array | undefined> {
    // After a reload, who "me" is becomes known as the connection opens.
    await this.host.e2eeReady?.();
    const me = this.host.me();
    if (!me) return undefined;
    if (this.mine?.owner === me.toLowerCase()) return this.mine.key;
    return this.of(me);
  }

  setOwn(key: Uint8Array): Promise<void> {
    const me = this.host.me();
    this.mine = me ? { owner: me.toLowerCase(), key } : undefined;
    this.sentTo.clear();
    return Promise.resolve();
  }

  /** `username` became a contact: the own key (if there is one) goes to them in the direct conversation. */
  async contactAdded(username: string): Promise<void> {
    const key = await this.own();
    const api = this.host.e2ee();
    if (!key || !api) return;
    const direct = await this.host.openDirect(username);
    await this.sendOne(api, direct.id, { kind: 'profile-key', key: bytesToBase64Url(key) });
  }

  /** A group changed: the own key goes to it again if someone is in it whom it was not sent to (a member who joined). */
  async membersChanged(conversation: ConversationDto): Promise<void> {
    if (conversation.kind !== 'group') return;
    const members = new Set(conversation.members.map((m) => m.username.toLowerCase()));
    const before = this.sentTo.get(conversation.id);
    if (before && [...members].every((u) => before.has(u))) return;
    const key = await this.own();
    const api = this.host.e2ee();
    if (!key || !api) return;
    this.sentTo.set(conversation.id, members);
    await this.sendOne(api, conversation.id, { kind: 'profile-key', key: bytesToBase64Url(key) });
  }

  async of(username: string): Promise<Uint8Array | undefined> {
    await this.host.e2eeReady?.();
    const api = this.host.e2ee();
    // A layer across a worker boundary that does not carry this method yet answers as if no key was shared.
    if (typeof api?.profileKeyOf !== 'function') return undefined;
    const key = await api.profileKeyOf(username).catch(() => undefined);
    return key === undefined ? undefined : base64UrlToBytes(key);
  }

  /** Sends the key into every conversation it belongs in (see shareTargets). */
  async share(key: Uint8Array, except?: string): Promise<number> {
    const api = this.host.e2ee();
    const me = this.host.me();
    if (!api || !me) throw new ParleyError('NOT_CONNECTED', 'Connect with encryption on first.');
    const [conversations, contacts] = await Promise.all([this.host.conversations(), this.host.contacts()]);
    const content: Content = { kind: 'profile-key', key: bytesToBase64Url(key) };
    const targets = shareTargets(conversations, contacts, me, except);
    for (const c of targets) {
      await this.sendOne(api, c.id, content);
      if (c.kind === 'group') this.sentTo.set(c.id, new Set(c.members.map((m) => m.username.toLowerCase())));
    }
    return targets.length;
  }

  private async sendOne(api: E2eeApi, conversationId: string, content: Content): Promise<void> {
    for (let attempt = 0; ; attempt++) {
      try {
        const dto = await this.host.sendPayload(conversationId, await api.encrypt(conversationId, content));
        await api.sent(dto, content);
        return;
      } catch (err) {
        if (!(err instanceof ParleyError && err.code === 'STALE_EPOCH') || attempt >= 10) throw err;
      }
    }
  }
}
