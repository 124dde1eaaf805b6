import type { ContactDto, ConversationDto } from '../../sdk/index.js';
import type { ChatStoreHandle } from './store-handle.js';

/** Contacts and conversation membership: each action updates the store with the server's answer. */
export class SocialActions {
  constructor(private readonly store: ChatStoreHandle) {}

  private get client() {
    return this.store.client;
  }

  private contact(dto: ContactDto): ContactDto {
    this.store.upsertContact(dto);
    return dto;
  }

  private conversation(dto: ConversationDto): ConversationDto {
    this.store.upsertConversation(dto);
    return dto;
  }

  async request(username: string): Promise<ContactDto> {
    return this.contact(await this.client.contacts.request(username));
  }

  async accept(username: string): Promise<ContactDto> {
    return this.contact(await this.client.contacts.accept(username));
  }

  async decline(username: string): Promise<ContactDto> {
    return this.contact(await this.client.contacts.decline(username));
  }

  async cancel(username: string): Promise<ContactDto> {
    return this.contact(await this.client.contacts.cancel(username));
  }

  async remove(username: string): Promise<ContactDto> {
    return this.contact(await this.client.contacts.remove(username));
  }

  async block(username: string): Promise<ContactDto> {
    return this.contact(await this.client.contacts.block(username));
  }

  async unblock(username: string): Promise<ContactDto> {
    return this.contact(await this.client.contacts.unblock(username));
  }

  /** The direct conversation with a contact (created on first use); returns its id. */
  async openDirect(username: string): Promise<string> {
    return this.conversation(await this.client.conversations.openDirect(username)).id;
  }

  async createGroup(name: string, usernames: string[]): Promise<string> {
    return this.conversation(await this.client.conversations.createGroup(name, usernames)).id;
  }

  async addMember(id: string, username: string): Promise<void> {
    this.conversation(await this.client.conversations.addMember(id, username));
  }

  async removeMember(id: string, username: string): Promise<void> {
    this.conversation(await this.client.conversations.removeMember(id, username));
  }

  async setRole(id: string, username: string, role: 'admin' | 'member'): Promise<void> {
    this.conversation(await this.client.conversations.setRole(id, username, role));
  }

  async rename(id: string, name: string): Promise<void> {
    this.conversation(await this.client.conversations.rename(id, name));
  }

  async leave(id: string): Promise<void> {
    const done = this.store.leaving(id);
    try {
      await this.client.conversations.leave(id);
      done(true);
    } catch (err) {
      done(false);
      throw err;
    }
  }
}
