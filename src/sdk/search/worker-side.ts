/**
 * The search index beside the end-to-end layer (in the browser: inside its Web Worker). The layer decodes every
 * message there (live, history pages, the vault's copies), so the index is fed there too and persisted in the same
 * sealed store, under the same key; the page only sends queries across and receives hits and progress. Nothing of
 * the index leaves the worker except the hits of a query the page asked.
 */
import type { MessageDto } from '../../protocol/messages.js';
import type { E2eeApi, EngineHost, OpenOptions } from '../e2ee/api.js';
import { E2ee } from '../e2ee/engine.js';
import type { SecretStore } from '../e2ee/store.js';
import type { Message } from '../message-stream.js';
import type { HistorySource } from './backfill.js';
import { LocalSearch, type LocalSearchOptions } from './local-search.js';
import type { SearchEvent, SearchSide } from './side.js';

const PAGE = 100;

/** History pages read by the layer itself: the server's entries, decoded (or read from the vault) here. */
function historySource(host: EngineHost, e2ee: E2eeApi): HistorySource {
  return {
    conversations: async () => (await host.request('conversations:list', {})).conversations,
    page: async (conversationId, start) => {
      const messages: Message[] = [];
      let before = start;
      // Commits are not messages: a page of them is followed by an older one until a page's worth is found.
      for (;;) {
        const res: { messages: MessageDto[]; hasMore: boolean } = await host.request('messages:history', {
          conversationId,
          ...(before !== undefined ? { before } : {}),
          limit: PAGE,
        });
        messages.unshift(...(await e2ee.historyPage(conversationId, res.messages)));
        before = res.messages[0]?.seq;
        if (messages.length >= PAGE || !res.hasMore || before === undefined) return { messages, hasMore: res.hasMore };
      }
    },
  };
}

/** The layer's API with every message it returns (or announces through the host) fed to `index`. */
function feeding(e2ee: E2ee, index: LocalSearch, erased: () => Promise<void>): E2eeApi {
  const put = (m: Message | undefined) => {
    if (m) index.put(m);
    return m;
  };
  const overrides: Partial<E2eeApi> = {
    decode: async (dto, recorded) => {
      if (recorded?.length) for (const s of await e2ee.record(recorded)) index.put(s.message);
      return put(await e2ee.decode(dto));
    },
    sent: async (dto, content) => {
      const m = await e2ee.sent(dto, content);
      index.put(m);
      return m;
    },
    // Sends the server stored ride with the next call: kept (and indexed) first.
    send: async (conversationId, content, { recorded, ...request }) => {
      if (recorded?.length) for (const s of await e2ee.record(recorded)) index.put(s.message);
      return e2ee.send(conversationId, content, request);
    },
    record: async (records) => {
      const sent = await e2ee.record(records);
      for (const s of sent) index.put(s.message);
      return sent;
    },
    updated: async (dto) => put(await e2ee.updated(dto)),
    historyPage: async (conversationId, page) => {
      const messages = await e2ee.historyPage(conversationId, page);
      for (const m of messages) index.put(m);
      return messages;
    },
    close: async () => {
      await erased();
      await index.close();
      await e2ee.close();
    },
  };
  return new Proxy(e2ee, {
    get(target, name, receiver) {
      const own = overrides[name as keyof E2eeApi];
      if (own) return own;
      const value: unknown = Reflect.get(target, name, receiver);
      return typeof value === 'function' ? (value as (...a: unknown[]) => unknown).bind(target) : value;
    },
  });
}

export interface OpenedWithSearch {
  api: E2eeApi;
  search: SearchSide;
  deviceId: string;
}

/**
 * Opens the end-to-end layer with its search index beside it, in `store` (the worker's sealed IndexedDB store).
 * `emit` carries progress and changes to the page.
 */
export async function openWithSearch(
  host: EngineHost,
  store: SecretStore,
  options: OpenOptions,
  emit: (event: SearchEvent) => void,
  searchOptions?: LocalSearchOptions,
): Promise<OpenedWithSearch> {
  const index = new LocalSearch(store, searchOptions);
  index.on('progress', (progress) => emit({ kind: 'progress', progress }));
  // Coalesced: a backfill page changes a hundred messages at once, and each event crosses to the page.
  let changed: ReturnType<typeof setTimeout> | undefined;
  index.on('changed', () => {
    changed ??= setTimeout(() => {
      changed = undefined;
      emit({ kind: 'changed' });
    }, 100);
  });
  index.on('error', (e) => emit({ kind: 'error', message: e instanceof Error ? e.message : String(e) }));
  // Edits and reactions rebuild an earlier message inside the layer: it tells the host, and the index.
  const fed: EngineHost = {
    request: (event, payload) => host.request(event, payload),
    settle: (conversationId) => host.settle(conversationId),
    sendPayload: (conversationId, payload) => host.sendPayload(conversationId, payload),
    onUpdate: (m) => {
      index.put(m);
      host.onUpdate(m);
    },
    onIdentityChanged: (change) => host.onIdentityChanged(change),
    onProfileKey: (username) => host.onProfileKey?.(username),
  };
  const e2ee = await E2ee.open(fed, store, options);
  // Open (loaded lazily) from now on, so what the layer decodes before backfill starts is indexed and kept.
  index.open(options.username);
  let erasing: Promise<void> = Promise.resolve();
  const api = feeding(e2ee, index, () => erasing);
  const source = historySource(fed, e2ee);
  const search: SearchSide = {
    search: (query, o) => index.search(query, o),
    start: () => {
      index.open(options.username, source);
      return Promise.resolve();
    },
    remove: (messageId) => {
      index.remove(messageId);
      return Promise.resolve();
    },
    flush: () => index.flush(),
    size: () => index.size(),
    backfilled: () => index.backfilled(),
    erase: () => {
      erasing = index.erase();
      return erasing;
    },
  };
  return { api, search, deviceId: e2ee.deviceId };
}
