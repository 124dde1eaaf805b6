import type { ContactDto } from '../../protocol/contacts.js';
import type { ConversationDto } from '../../protocol/conversations.js';
import type { WelcomeDto } from '../../protocol/e2e.js';
import type { MessageDto, ReadEvent } from '../../protocol/messages.js';
import type { PrivacySettingsDto } from '../../protocol/privacy.js';

import type { ProfileChangedEvent } from '../../protocol/profiles.js';

export type RevocationReason = 'logout' | 'revoked' | 'password-changed' | 'suspended' | 'deleted';

/** Facts the commands publish after their transaction commits; realtime fans them out. */
export type DomainEvent =
  | { type: 'sessions.revoked'; sessionIds: string[]; reason: RevocationReason }
  /** `contact` is how `toUserId` now sees the other user. */
  | { type: 'contact.changed'; toUserId: string; contact: ContactDto }
  /** Each member gets their own view; `joinUserIds` have their sockets put into the conversation's room. */
  | { type: 'conversation.changed'; views: { userId: string; conversation: ConversationDto }[]; joinUserIds: string[] }
  | { type: 'conversation.removed'; conversationId: string; userId: string }
  | { type: 'message.created'; message: MessageDto }
  | { type: 'message.updated'; message: MessageDto }
  /**
   * A read position moved. `audience` (the privacy switches, policies/privacy.ts): `everyone` false goes to the
   * reader's own devices only; `withheldFrom` are user ids not told. Absent: every member.
   */
  | { type: 'read'; event: ReadEvent; audience?: { readerId: string; everyone: boolean; withheldFrom: string[] } }
  | { type: 'privacy.changed'; userId: string; privacy: PrivacySettingsDto }
  /** An MLS Welcome for one device of `userId`, after the commit that made it was stored. */
  | { type: 'welcome.created'; userId: string; welcome: WelcomeDto }
  /** A profile changed: its owner's devices and everyone who may read it get its id and version. */
  | { type: 'profile.changed'; userIds: string[]; event: ProfileChangedEvent };

export interface EventPublisher {
  publish(event: DomainEvent): void;
}

/** Collects events during a command and hands them on only once the transaction has committed. */
export class AfterCommit {
  private readonly pending: DomainEvent[] = [];
  add(event: DomainEvent): void {
    this.pending.push(event);
  }
  flush(publisher: EventPublisher): void {
    for (const e of this.pending.splice(0)) publisher.publish(e);
  }
}
