import webpush from 'web-push';
import type { Logger } from 'pino';
import { countsAsUnread } from '../../protocol/messages.js';
import type { PushPayload } from '../../protocol/notifications.js';
import type { Db } from '../db/connect.js';
import { deletePushSubscription, listPushTargets, type PushTarget } from '../db/repositories/push.js';
import type { DomainEvent } from '../events/domain-events.js';
import { pushCount } from '../policies/notifications.js';
import type { VapidKeys } from './vapid.js';

/** Every payload is padded to this many bytes of JSON, so its size says nothing of the count or the id. */
export const PUSH_PAYLOAD_BYTES = 96;

export interface PushNotifierOptions {
  /** One push per conversation per window: the first message opens it, the rest of the window is counted in it. */
  coalesceMs: number;
  subject: string;
  /** Attempts per push (429, 5xx, network errors), with delays of baseDelayMs × 4^k, each at most maxDelayMs. */
  attempts?: number;
  baseDelayMs?: number;
  maxDelayMs?: number;
  /** One request to the push service, at most. */
  timeoutMs?: number;
  /** Requests to push services in flight at once. */
  concurrency?: number;
}

/** How long a VAPID JWT is valid (RFC 8292 allows at most 24 hours). */
const VAPID_JWT_SECONDS = 12 * 3600;

/** The result of one POST to a push service (status, or a network error as 0). */
type Outcome = 'delivered' | 'gone' | 'retry' | 'refused';

/** The body a push carries, before RFC 8291 encryption: `{c, n}` and padding. */
export function pushBody(conversationId: string, count: number): string {
  const payload: PushPayload & { p?: string } = { c: conversationId, n: Math.min(count, 999) };
  const bare = JSON.stringify(payload);
  return JSON.stringify({ ...payload, p: ' '.repeat(Math.max(0, PUSH_PAYLOAD_BYTES - bare.length - 7)) });
}

/**
 * Web Push for new messages (RFC 8030 transport, RFC 8291 payload encryption and RFC 8292 VAPID, by web-push). It
 * learns of messages from the after-commit events, coalesces them per conversation, and sends each subscription of
 * every member who is not the sender, not muted and not in "mentions only" one push holding only the conversation's
 * id and a count. A subscription the push service says is gone (404, 410) is deleted; failures that may pass (429,
 * 5xx, network) are retried a bounded number of times with backoff; anything else is dropped and logged without the
 * endpoint (a capability URL).
 */
export class PushNotifier {
  private readonly pending = new Map<string, string[]>();
  private readonly timers = new Map<string, NodeJS.Timeout>();
  private readonly inFlight = new Set<Promise<void>>();
  private active = 0;
  private readonly queue: (() => void)[] = [];
  private closed = false;
  private readonly vapidCache = new Map<string, { header: string; renewAt: number }>();
  private readonly stop = new AbortController();
  private readonly attempts: number;
  private readonly baseDelayMs: number;
  private readonly maxDelayMs: number;
  private readonly timeoutMs: number;
  private readonly concurrency: number;

  constructor(
    private readonly db: Db,
    private readonly vapid: VapidKeys,
    private readonly log: Logger,
    private readonly options: PushNotifierOptions,
  ) {
    this.attempts = options.attempts ?? 3;
    this.baseDelayMs = options.baseDelayMs ?? 1000;
    this.maxDelayMs = options.maxDelayMs ?? 30_000;
    this.timeoutMs = options.timeoutMs ?? 10_000;
    this.concurrency = options.concurrency ?? 16;
  }

  get publicKey(): string {
    return this.vapid.publicKey;
  }

  /** Takes note of a stored message (what counts as unread: commits, silent messages and notices notify nobody). */
  observe(event: DomainEvent): void {
    if (this.closed || event.type !== 'message.created') return;
    const { conversationId, senderUsername, contentType } = messageFacts(event);
    if (!countsAsUnread(contentType)) return;
    const senders = this.pending.get(conversationId);
    if (senders) {
      senders.push(senderUsername);
      return;
    }
    this.pending.set(conversationId, [senderUsername]);
    const timer = setTimeout(() => this.track(this.flush(conversationId)), this.options.coalesceMs);
    timer.unref();
    this.timers.set(conversationId, timer);
  }

  /** Sends what is pending at once and waits for every push in flight (shutdown, tests). */
  async drain(): Promise<void> {
    for (const [id, timer] of this.timers) {
      clearTimeout(timer);
      this.track(this.flush(id));
    }
    while (this.inFlight.size > 0) await Promise.allSettled([...this.inFlight]);
  }

  /** Stops: what is pending goes out once, with no more retries; waits for it. */
  async close(): Promise<void> {
    this.closed = true;
    this.stop.abort();
    await this.drain();
  }

  private track(work: Promise<void>): void {
    const p = work.catch((err: unknown) => this.log.warn({ err }, 'push fan-out failed')).finally(() => this.inFlight.delete(p));
    this.inFlight.add(p);
  }

  private async flush(conversationId: string): Promise<void> {
    this.timers.delete(conversationId);
    const senders = this.pending.get(conversationId) ?? [];
    this.pending.delete(conversationId);
    if (senders.length === 0) return;
    const now = Date.now();
    const targets = await listPushTargets(this.db, conversationId, now);
    await Promise.all(
      targets.map(async (t) => {
        const count = pushCount(t, senders, now);
        if (count > 0) await this.limited(() => this.deliver(t, pushBody(conversationId, count)));
      }),
    );
  }

  private async limited(task: () => Promise<void>): Promise<void> {
    if (this.active >= this.concurrency) await new Promise<void>((resolve) => this.queue.push(resolve));
    this.active += 1;
    try {
      await task();
    } finally {
      this.active -= 1;
      this.queue.shift()?.();
    }
  }

  private async deliver(target: PushTarget, body: string): Promise<void> {
    for (let attempt = 1; ; attempt += 1) {
      const { outcome, retryAfterMs } = await this.post(target, body);
      if (outcome === 'delivered') return;
      if (outcome === 'gone') {
        await deletePushSubscription(this.db, target.subscriptionId);
        this.log.info({ subscription: target.subscriptionId }, 'push subscription gone: deleted');
        return;
      }
      if (outcome === 'refused' || attempt >= this.attempts || this.closed) {
        this.log.warn({ subscription: target.subscriptionId, attempt, outcome }, 'push not delivered');
        return;
      }
      const backoff = Math.min(this.maxDelayMs, this.baseDelayMs * 4 ** (attempt - 1));
      await sleep(Math.min(this.maxDelayMs, Math.max(backoff, retryAfterMs)), this.stop.signal);
    }
  }

  /**
   * The VAPID `Authorization` for a push service's origin (RFC 8292): a JWT signed by web-push, valid 12 hours and
   * reused for 11 (signing is most of a push's CPU: ~1.4 ms against ~0.4 ms for the RFC 8291 encryption).
   */
  private vapidHeader(endpoint: string): string {
    const audience = new URL(endpoint).origin;
    const now = Date.now();
    const cached = this.vapidCache.get(audience);
    if (cached && cached.renewAt > now) return cached.header;
    const expiresAt = Math.floor(now / 1000) + VAPID_JWT_SECONDS;
    const { Authorization } = webpush.getVapidHeaders(audience, this.options.subject, this.vapid.publicKey, this.vapid.privateKey, 'aes128gcm', expiresAt);
    this.vapidCache.set(audience, { header: Authorization, renewAt: now + (VAPID_JWT_SECONDS - 3600) * 1000 });
    return Authorization;
  }

  /** One POST to the push service: web-push encrypts (RFC 8291) and signs (RFC 8292), fetch sends (no redirects). */
  private async post(target: PushTarget, body: string): Promise<{ outcome: Outcome; retryAfterMs: number }> {
    const details = webpush.generateRequestDetails(
      { endpoint: target.endpoint, keys: { p256dh: target.p256dh, auth: target.auth } },
      body,
      { contentEncoding: 'aes128gcm', TTL: 3600, urgency: 'normal' },
    );
    const headers: Record<string, string> = {};
    for (const [name, value] of Object.entries(details.headers)) headers[name] = String(value);
    delete headers['Content-Length'];
    headers.Authorization = this.vapidHeader(target.endpoint);
    try {
      const response = await fetch(details.endpoint, {
        method: 'POST',
        headers,
        body: new Uint8Array(details.body),
        redirect: 'manual',
        signal: AbortSignal.timeout(this.timeoutMs),
      });
      await response.body?.cancel();
      const status = response.status;
      const retryAfter = Number(response.headers.get('retry-after'));
      const retryAfterMs = Number.isFinite(retryAfter) && retryAfter > 0 ? retryAfter * 1000 : 0;
      if (status >= 200 && status < 300) return { outcome: 'delivered', retryAfterMs };
      if (status === 404 || status === 410) return { outcome: 'gone', retryAfterMs };
      if (status === 429 || status >= 500) return { outcome: 'retry', retryAfterMs };
      return { outcome: 'refused', retryAfterMs };
    } catch {
      return { outcome: 'retry', retryAfterMs: 0 };
    }
  }
}

/** Waits, or less if the signal aborts. */
function sleep(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    const timer = setTimeout(done, ms);
    function done() {
      clearTimeout(timer);
      signal.removeEventListener('abort', done);
      resolve();
    }
    signal.addEventListener('abort', done, { once: true });
  });
}

function messageFacts(event: Extract<DomainEvent, { type: 'message.created' }>) {
  return { conversationId: event.message.conversationId, senderUsername: event.message.sender, contentType: event.message.contentType };
}
