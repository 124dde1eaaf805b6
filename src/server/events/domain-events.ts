export type RevocationReason = 'logout' | 'revoked' | 'password-changed';

/** Facts the commands publish after their transaction commits; realtime fans them out. */
export type DomainEvent = { type: 'sessions.revoked'; sessionIds: string[]; reason: RevocationReason };

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
