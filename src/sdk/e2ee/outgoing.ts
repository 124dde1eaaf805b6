/**
 * The write path of the end-to-end engine. A send is one call (`prepare`): the content encrypted for the current
 * epoch, returned for the caller to put on the wire (STALE_EPOCH there means: prepare again). What the server stored
 * is kept afterwards (`record`: history, the vault, the log position), in the browser with the next call into the
 * worker (`deferred-records.ts`). Commits (fresh keys, membership) are sent from here through the host.
 */
import { MLS_COMMIT, MLS_PRIVATE, MLS_SILENT } from '../../protocol/e2e.js';
import { MAX_BODY_BYTES, type MessageDto } from '../../protocol/messages.js';
import { ContentError } from '../content/codec.js';
import { ParleyError, errorCode as codeOf } from '../errors.js';
import type { Message, SendPayload } from '../message-stream.js';
import type { Prepared, SendRequest, Sent, SentRecord } from './api.js';
import { encodeContent, type Content } from './content.js';
import type { EngineParts } from './engine-parts.js';
import { bodyHash, type Group } from './groups.js';
import { saveProfileKey } from './profile-keys.js';
import { recordSent } from './recording.js';
import { quoteFrom } from './views.js';

/** What fits in one encrypted message (its JSON content): the body limit less room for MLS framing and padding. */
export const MAX_ENCRYPTED_CONTENT_BYTES = MAX_BODY_BYTES - 1024;

export class Outgoing {
  constructor(private readonly e: EngineParts) {}

  /**
   * The ciphertext of `content` for the conversation's current epoch (creating or joining the group if needed). With
   * `settled`, the host has settled the conversation just before: the first attempt does not ask it again (in the
   * browser that is a call from the worker back into the page saved on every send).
   */
  async encrypt(conversationId: string, content: Content, options: { settled?: boolean } = {}): Promise<SendPayload> {
    const { e } = this;
    let plaintext: string;
    try {
      plaintext = encodeContent(content);
    } catch (err) {
      if (err instanceof ContentError) throw new ParleyError('VALIDATION_FAILED', err.message);
      throw err;
    }
    const size = new TextEncoder().encode(plaintext).byteLength;
    if (size > MAX_ENCRYPTED_CONTENT_BYTES) {
      throw new ParleyError('PAYLOAD_TOO_LARGE', `An encrypted message holds at most ${MAX_ENCRYPTED_CONTENT_BYTES} bytes; this one has ${size}.`);
    }
    for (let attempt = 0; attempt < 10; attempt++) {
      if (attempt > 0 || !options.settled) await e.rt.settle(conversationId);
      const result = await e.locks.run(conversationId, async () => {
        const group = (await e.usable(conversationId)) ?? (await e.joining.join(conversationId, false)) ?? (await e.joining.create(conversationId));
        if (!group) return 'retry' as const;
        if (e.membership.outOfDate(group)) return 'reconcile' as const;
        const body = await group.conversation.encrypt(plaintext);
        // The plaintext is kept by the ciphertext's hash: the entry reads as ours however this device meets it again.
        await e.groups.save(group, [], false, { bodyHash: await bodyHash(body), plaintext });
        return body;
      });
      if (result === 'reconcile') await e.reconcile(conversationId);
      // A profile key shows nothing: sent silent, it counts as unread nowhere and notifies no one.
      else if (result !== 'retry') return { contentType: content.kind === 'profile-key' ? MLS_SILENT : MLS_PRIVATE, body: result };
    }
    throw new ParleyError('CONFLICT', 'Could not bring this conversation\'s encryption up to date; try again.');
  }

  /**
   * A message of the client's outbox, encrypted (its files' blob ids bound to it), with a reply's quote; earlier sends
   * the request carries are kept first. The caller transmits it under the item's key.
   */
  async prepare(conversationId: string, content: Content, request: SendRequest): Promise<Prepared> {
    if (request.recorded?.length) await this.record(request.recorded);
    const encrypted = await this.encrypt(conversationId, content, { settled: request.settled ?? false });
    const payload = request.blobIds?.length ? { ...encrypted, blobIds: request.blobIds } : encrypted;
    const replyTo = content.kind === 'message' ? content.replyTo : null;
    const quote = replyTo ? quoteFrom(replyTo.seq, await this.e.groups.text(conversationId, replyTo.seq), replyTo.id) : null;
    return { payload, quote };
  }

  /**
   * Sends the server stored: kept for history and the vault, and, when one is the next entry of the log, counted as
   * read (its echo then needs no decoding; otherwise its plaintext stays, found by hash when the log gets there).
   */
  async record(records: SentRecord[]): Promise<Sent[]> {
    const { e } = this;
    const out: Sent[] = [];
    for (const { dto, content } of records) {
      out.push(
        await e.locks.run(dto.conversationId, async () => {
          const message = await this.sent(dto, content);
          const group = await e.usable(dto.conversationId);
          if (group && group.seq === dto.seq - 1) {
            group.seq = dto.seq;
            await e.groups.save(group, [], false, { bodyHash: await bodyHash(dto.body), plaintext: undefined });
          }
          return { message, dto, positioned: group !== undefined && group.seq >= dto.seq };
        }),
      );
    }
    return out;
  }

  /** The server stored our message: kept for history (see recording.ts). Returns the message as it now reads. */
  async sent(dto: MessageDto, content: Content): Promise<Message> {
    const { e } = this;
    e.index.set(dto.id, { conversationId: dto.conversationId, seq: dto.seq });
    const { seq, value } = await recordSent(e.groups, e.vault, e.username, dto, content);
    // The own profile key is kept like a contact's, so this device opens its own profile after a reload.
    if (content.kind === 'profile-key') await saveProfileKey(e.store, e.username, e.username, content.key);
    return seq === dto.seq ? e.shown(dto, value) : e.rebuilt(dto.conversationId, seq, value);
  }

  /** A fresh-keys commit (post-compromise security): everyone moves to a new epoch with new secrets. */
  async updateKeys(conversationId: string): Promise<void> {
    const { e } = this;
    for (let attempt = 0; attempt < 10; attempt++) {
      await e.rt.settle(conversationId);
      const outcome = await e.locks.run(conversationId, async () => {
        const group = await e.usable(conversationId);
        if (!group) throw new ParleyError('NOT_FOUND', 'This device is not in that conversation\'s encryption group yet.');
        const pending = await group.conversation.updateKeys();
        return this.sendCommit(group, { contentType: MLS_COMMIT, body: pending.commit, groupInfo: pending.groupInfo });
      });
      if (outcome === 'committed') return;
    }
    throw new ParleyError('CONFLICT', 'Could not update the keys; try again.');
  }

  /** Commits adds and removes until the group's devices match the members' (bounded retries on lost races). */
  async reconcile(conversationId: string, closed: () => boolean): Promise<void> {
    const { e } = this;
    for (let attempt = 0; attempt < 8 && !closed(); attempt++) {
      await e.rt.settle(conversationId);
      const outcome = await e.locks.run(conversationId, async () => {
        const group = await e.usable(conversationId);
        if (!group) return 'done' as const;
        return e.membership.step(group, (payload) => this.sendCommit(group, payload));
      });
      if (outcome === 'done') return;
    }
  }

  private async sendCommit(group: Group, payload: SendPayload): Promise<'committed' | 'stale'> {
    const { e } = this;
    try {
      await e.rt.sendPayload(group.conversation.conversationId, payload);
    } catch (err) {
      group.conversation.discardCommit();
      if (codeOf(err) === 'STALE_EPOCH') return 'stale';
      throw err;
    }
    await group.conversation.confirmCommit();
    await e.groups.save(group);
    return 'committed';
  }
}

