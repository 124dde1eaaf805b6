/** What the end-to-end engine's pieces (engine.ts, incoming.ts, outgoing.ts) share: its parts, and small rules. */
import { isMlsApplication, MLS_COMMIT } from '../../protocol/e2e.js';
import type { MessageDto } from '../../protocol/messages.js';
import { isMlsCryptoError } from '../crypto/index.js';
import { errorCode as codeOf } from '../errors.js';
import type { Message } from '../message-stream.js';
import type { EngineHost } from './api.js';
import type { StoredText } from './content.js';
import type { ServerDirectory } from './directory.js';
import type { Group, GroupStore } from './groups.js';
import type { Joining } from './joining.js';
import type { NamedLocks } from './lock.js';
import type { Membership } from './reconcile.js';
import type { SecretStore } from './store.js';
import type { Vault } from './vault.js';

/** The engine's state and helpers, as its incoming and outgoing halves use them. */
export interface EngineParts {
  readonly rt: EngineHost;
  readonly store: SecretStore;
  readonly username: string;
  readonly groups: GroupStore;
  readonly locks: NamedLocks;
  readonly vault: Vault;
  readonly joining: Joining;
  readonly membership: Membership;
  readonly directory: ServerDirectory;
  /** Where each message this device has shown lives (to edit or react to it). */
  readonly index: Map<string, { conversationId: string; seq: number }>;
  /** The conversation's group if this device holds a usable one. */
  usable(conversationId: string): Promise<Group | undefined>;
  /** A log entry as the app shows it (and remembered in `index`). */
  shown(dto: MessageDto, value: StoredText): Promise<Message>;
  /** A message rebuilt from its record after an edit or a reaction changed it. */
  rebuilt(conversationId: string, seq: number, value: StoredText): Promise<Message>;
  /** A stored message as history shows it. */
  fromHistory(dto: MessageDto): Promise<Message | undefined>;
  /** Commits adds and removes until the group's devices match the members'. */
  reconcile(conversationId: string): Promise<void>;
}

export const isMls = (contentType: string): boolean => contentType === MLS_COMMIT || isMlsApplication(contentType);

/** A failure of a join that a later attempt may overcome (the server's answer, the network, the MLS step). */
export const recoverable = (err: unknown): boolean => codeOf(err) !== undefined || isMlsCryptoError(err);

/**
 * A join attempt on the read path: a refusal (say, this device was removed and the server no longer knows it) means
 * no group, and the entries show why; never a failure of the whole read.
 */
export async function orNone<T>(attempt: Promise<T>): Promise<T | undefined> {
  try {
    return await attempt;
  } catch (err) {
    if (recoverable(err)) return undefined;
    throw err;
  }
}
