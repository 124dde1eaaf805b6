import type { MessageDto } from '../../../protocol/messages.js';
import type { MessageRow } from '../../db/repositories/messages.js';
import type { AppError } from '../../errors.js';
import type { DomainEvent } from '../../events/domain-events.js';
import type { MlsIntent } from '../e2e/mls-log.js';

/** One send that passed its checks, ready to store: its row (`seq` still 0) and its MLS intent, if any (data). */
export interface PendingSend {
  row: MessageRow;
  senderName: string;
  mls: MlsIntent | undefined;
  /** Uploads to bind to the message in the batch's transaction (none: empty). */
  blobIds: string[];
}

/** The answer of one send in a stored batch: its message (new, or the stored one for a retry) or its refusal. */
export type SendOutcome = { message: MessageDto; events: DomainEvent[] } | { error: AppError };

/** The group commit of sends as the commands see it (commands/messages/send-queue.ts; one per process, in Deps). */
export interface SendBatches {
  /** Counters: committed batches and the sends they answered; sends refused inside a batch; batches stored send by send. */
  readonly stats: { batches: number; sends: number; refused: number; splits: number };
  /** Stores the send with the next batch; resolves with its message once that batch committed and fanned out. */
  submit(send: PendingSend): Promise<MessageDto>;
  /** Resolves once every submitted send has its answer (for shutdown, before the database closes). */
  idle(): Promise<void>;
}
