/**
 * The end-to-end layer as a page holds it when the layer runs in a Web Worker: a send is one call and its answer.
 * The payload comes back, the page transmits it, and the stored message is shown at once (built here from what the
 * page sent and the server's entry); what the worker keeps of it (its text for history, the vault copy, the log
 * position) rides with the page's next `send` or `decode`, or goes on its own after a short pause. Any other call
 * first hands over what waits, so the worker never answers from an older state than the page has seen. A record
 * lost with the tab is not lost: the plaintext was kept by the ciphertext's hash at encryption, and the entry reads as
 * this device's own when the worker's log gets there (`reading.ts` `openBody`).
 */
import type { E2eeApi, SendRequest, Sent, SentRecord } from './api.js';
import { messageFields } from './reading.js';
import { shownMessage } from './views.js';

/** How long a record waits for a call to ride with before it goes on its own. */
const PAUSE_MS = 5000;

export interface DeferringApi {
  api: E2eeApi;
  /** Hands over the records that wait now (before a call that does not go through `api`). */
  flush(): Promise<void>;
}

export function deferringRecords(inner: E2eeApi, pauseMs = PAUSE_MS): DeferringApi {
  let waiting: SentRecord[] = [];
  let timer: ReturnType<typeof setTimeout> | undefined;
  const take = (): SentRecord[] | undefined => {
    if (timer) clearTimeout(timer);
    timer = undefined;
    if (waiting.length === 0) return undefined;
    const out = waiting;
    waiting = [];
    return out;
  };
  const flush = async (): Promise<void> => {
    const records = take();
    if (records) await inner.record(records);
  };
  const later = () => {
    timer ??= setTimeout(() => void flush().catch(() => undefined), pauseMs);
  };

  const overrides: Partial<E2eeApi> = {
    send: (conversationId, content, request: SendRequest) => {
      const recorded = take();
      return inner.send(conversationId, content, recorded ? { ...request, recorded: [...(request.recorded ?? []), ...recorded] } : request);
    },
    decode: (dto, recorded) => {
      const riding = take();
      return inner.decode(dto, riding ? [...(recorded ?? []), ...riding] : recorded);
    },
    // A message is shown from what the page knows; edits, reactions and profile keys change a record only the
    // worker holds, so they are kept at once (a second call, after the one of the send).
    record: async (records) => {
      const out: Sent[] = [];
      for (const record of records) {
        const { dto, content } = record;
        if (content.kind !== 'message') {
          out.push(...(await inner.record([...(take() ?? []), record])).slice(-1));
          continue;
        }
        waiting.push(record);
        later();
        const value = { id: dto.id, sentAt: dto.sentAt, sender: dto.sender, ...messageFields(content) };
        out.push({ message: shownMessage(dto, value, record.quote ?? null), dto, positioned: true });
      }
      return out;
    },
    close: async () => {
      await flush().catch(() => undefined);
      await inner.close();
    },
  };
  const api = new Proxy(inner, {
    get(target, name, receiver) {
      const own = overrides[name as keyof E2eeApi];
      if (own) return own;
      const value: unknown = Reflect.get(target, name, receiver);
      if (typeof value !== 'function') return value;
      return async (...args: unknown[]) => {
        await flush();
        return (value as (...a: unknown[]) => unknown).apply(target, args);
      };
    },
  });
  return { api, flush };
}
