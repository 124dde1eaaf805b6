import type { ContactDto } from '../protocol/contacts.js';
import type { ConversationDto } from '../protocol/conversations.js';
import type { Realtime } from './realtime.js';

/** Contacts: requests, acceptance, removal and blocks, by user name. */
export class Contacts {
  /**
   * `ended` runs after a removal or block (the profile key is rotated) before the call resolves; `began` after this
   * call made someone a contact (the profile key is handed to them, in the background).
   */
  constructor(
    private readonly rt: Realtime,
    private readonly ended: (username: string) => Promise<void> = () => Promise.resolve(),
    private readonly began: (username: string) => void = () => undefined,
  ) {}
  async list(): Promise<ContactDto[]> {
    return (await this.rt.request('contacts:list', {})).contacts;
  }
  async request(username: string): Promise<ContactDto> {
    return this.begun((await this.rt.request('contacts:request', { username })).contact);
  }
  async accept(username: string): Promise<ContactDto> {
    return this.begun((await this.rt.request('contacts:accept', { username })).contact);
  }
  private begun(contact: ContactDto): ContactDto {
    if (contact.state === 'accepted') this.began(contact.username);
    return contact;
  }
  async decline(username: string): Promise<ContactDto> {
    return (await this.rt.request('contacts:decline', { username })).contact;
  }
  async cancel(username: string): Promise<ContactDto> {
    return (await this.rt.request('contacts:cancel', { username })).contact;
  }
  async remove(username: string): Promise<ContactDto> {
    const { contact } = await this.rt.request('contacts:remove', { username });
    await this.ended(username);
    return contact;
  }
  async block(username: string): Promise<ContactDto> {
    const { contact } = await this.rt.request('contacts:block', { username });
    await this.ended(username);
    return contact;
  }
  async unblock(username: string): Promise<ContactDto> {
    return (await this.rt.request('contacts:unblock', { username })).contact;
  }
}

/** Conversations: direct ones with a contact, and groups with roles. */
export class Conversations {
  /** `membersChanged` runs after a change of members (end-to-end encryption commits it) before the call resolves. */
  constructor(
    private readonly rt: Realtime,
    private readonly membersChanged: (conversationId: string) => Promise<void> = () => Promise.resolve(),
    private readonly sharesTyping: () => boolean = () => true,
  ) {}
  async list(): Promise<ConversationDto[]> {
    return (await this.rt.request('conversations:list', {})).conversations;
  }
  async get(id: string): Promise<ConversationDto> {
    return (await this.rt.request('conversations:get', { conversationId: id })).conversation;
  }
  async openDirect(username: string): Promise<ConversationDto> {
    return (await this.rt.request('conversations:openDirect', { username })).conversation;
  }
  async createGroup(name: string, usernames: string[]): Promise<ConversationDto> {
    return (await this.rt.request('conversations:createGroup', { name, usernames })).conversation;
  }
  async addMember(id: string, username: string): Promise<ConversationDto> {
    const { conversation } = await this.rt.request('conversations:addMember', { conversationId: id, username });
    await this.membersChanged(id);
    return conversation;
  }
  /** Once this resolves, the removed user's devices can no longer read new messages (with encryption on). */
  async removeMember(id: string, username: string): Promise<ConversationDto> {
    const { conversation } = await this.rt.request('conversations:removeMember', { conversationId: id, username });
    await this.membersChanged(id);
    return conversation;
  }
  async setRole(id: string, username: string, role: 'admin' | 'member'): Promise<ConversationDto> {
    return (await this.rt.request('conversations:setRole', { conversationId: id, username, role })).conversation;
  }
  async rename(id: string, name: string): Promise<ConversationDto> {
    return (await this.rt.request('conversations:rename', { conversationId: id, name })).conversation;
  }
  async leave(id: string): Promise<void> {
    await this.rt.request('conversations:leave', { conversationId: id });
  }
  /** Tells the other members you are typing (throttled by the server); nothing is sent with typing indicators off. */
  async typing(id: string): Promise<void> {
    if (!this.sharesTyping()) return;
    await this.rt.request('typing', { conversationId: id });
  }
  /**
   * Disappearing messages: each message stored from now on is erased `seconds` after the server stored it (300, 3600,
   * 86400 or 604800; null: off). Either member of a direct conversation, a group's admins. Announced in the log.
   */
  async setDisappearing(id: string, seconds: number | null): Promise<ConversationDto> {
    return (await this.rt.request('conversations:setDisappearing', { conversationId: id, seconds })).conversation;
  }
}
