/**
 * The in-memory full-text index of one device (MiniSearch): documents are the messages it could read. Text and
 * attachment names are indexed; conversation, sender and time are filters. The documents themselves are kept here
 * too (to answer with a message and a snippet, and to be persisted by persistence.ts).
 */
import MiniSearch, { type SearchOptions as SearchOptionsOf, type SearchResult } from 'minisearch';
import { noRichFields, type Message } from '../message-stream.js';
import { makeSnippet, type Snippet } from './snippet.js';
import { isCjk, terms } from './text.js';

/** What the index keeps of a message. */
export interface SearchDoc {
  id: string;
  conversationId: string;
  seq: number;
  sender: string;
  /** Milliseconds since the epoch. */
  sentAt: number;
  editedAt: string | null;
  text: string;
  contentType: string;
  encrypted: boolean;
  /** Names of the message's attachments. */
  files?: string[];
}

export interface SearchOptions {
  /** Only this conversation. */
  conversationId?: string;
  /** Only this sender's messages (user name). */
  sender?: string;
  /** Sent before this instant (exclusive). */
  before?: Date | string | number;
  /** Sent after this instant (exclusive). */
  after?: Date | string | number;
  /** Only messages with an attachment. */
  hasFile?: boolean;
  /** At most this many results (default 50). */
  limit?: number;
  /** 'relevance' (the default): best match first; 'newest': most recent first. */
  sort?: 'relevance' | 'newest';
}

export interface SearchHit {
  message: Message;
  score: number;
  /** A part of the text around the first match, with the ranges to highlight (offsets into `snippet.text`). */
  snippet: Snippet;
}

/** Typos: none for short words and CJK bigrams, one edit from 4 letters, two from 8. */
export function fuzziness(term: string): number | false {
  if (isCjk(term) || term.length < 4) return false;
  return term.length < 8 ? 1 : 2;
}

/**
 * How many typos a result needed: per query term, the fewest edits to one of the words it matched (0 for an exact or
 * prefix match). MiniSearch's own fuzzy weight barely separates one typo from two against the length normalisation,
 * so the score is divided by (1 + typos)²: the closer spelling comes first.
 */
function typos(r: SearchResult, cache: Map<string, Map<string, number>>): number {
  let total = 0;
  for (const q of r.queryTerms) {
    let distances = cache.get(q);
    if (!distances) cache.set(q, (distances = new Map<string, number>()));
    let best = Infinity;
    for (const t of r.terms) {
      let d = distances.get(t);
      if (d === undefined) distances.set(t, (d = t.startsWith(q) ? 0 : editDistance(q, t, 2)));
      if (d < best) best = d;
      if (best === 0) break;
    }
    total += Number.isFinite(best) ? best : 0;
  }
  return total;
}

/** Levenshtein distance, stopping early above `max` (returns max + 1 then). */
export function editDistance(a: string, b: string, max: number): number {
  if (Math.abs(a.length - b.length) > max) return max + 1;
  let prev = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const row = [i];
    let low = i;
    for (let j = 1; j <= b.length; j++) {
      const v = Math.min(prev[j]! + 1, row[j - 1]! + 1, prev[j - 1]! + (a[i - 1] === b[j - 1] ? 0 : 1));
      row.push(v);
      low = Math.min(low, v);
    }
    if (low > max) return max + 1;
    prev = row;
  }
  return prev[b.length]!;
}

/**
 * The first `k` of `items` in `order`, without sorting them all (a common word matches tens of thousands of
 * messages; a query shows 50): one pass keeping a sorted window of k, then the window.
 */
export function topK<T>(items: T[], k: number, order: (a: T, b: T) => number): T[] {
  if (items.length <= k * 4) return [...items].sort(order).slice(0, k);
  const window: T[] = [];
  for (const item of items) {
    if (window.length === k && order(item, window[k - 1]!) >= 0) continue;
    let lo = 0;
    let hi = window.length;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (order(item, window[mid]!) < 0) hi = mid;
      else lo = mid + 1;
    }
    window.splice(lo, 0, item);
    if (window.length > k) window.pop();
  }
  return window;
}

const instant = (t: Date | string | number): number => (t instanceof Date ? t.getTime() : typeof t === 'number' ? t : Date.parse(t));

export function toDoc(message: Message, files?: string[]): SearchDoc {
  return {
    id: message.id,
    conversationId: message.conversationId,
    seq: message.seq,
    sender: message.sender,
    sentAt: Date.parse(message.sentAt),
    editedAt: message.editedAt,
    text: message.text,
    contentType: message.contentType,
    encrypted: message.encrypted,
    ...(files && files.length > 0 ? { files } : {}),
  };
}

export function toMessage(doc: SearchDoc): Message {
  return {
    id: doc.id,
    seq: doc.seq,
    conversationId: doc.conversationId,
    sender: doc.sender,
    text: doc.text,
    sentAt: new Date(doc.sentAt).toISOString(),
    editedAt: doc.editedAt,
    deleted: false,
    contentType: doc.contentType,
    encrypted: doc.encrypted,
    decryptionError: null,
    ...noRichFields(),
  };
}

/** Whether a message belongs in the index: readable text that is not deleted. */
export function indexable(message: Message): boolean {
  return !message.deleted && message.decryptionError === null && message.text.trim() !== '';
}

export class SearchIndex {
  private readonly docs = new Map<string, SearchDoc>();
  private readonly mini = new MiniSearch<SearchDoc>({
    fields: ['text', 'files'],
    extractField: (doc, field) => (field === 'files' ? (doc.files ?? []).join(' ') : String(doc[field as keyof SearchDoc] ?? '')),
    tokenize: terms,
    processTerm: (term) => term,
    searchOptions: { tokenize: terms, processTerm: (term) => term },
    autoVacuum: { minDirtCount: 200, minDirtFactor: 0.1, batchSize: 2000, batchWait: 5 },
  });

  get size(): number {
    return this.docs.size;
  }

  get(id: string): SearchDoc | undefined {
    return this.docs.get(id);
  }

  /** Adds a document, replacing the one with its id (an edit re-indexes). */
  put(doc: SearchDoc): void {
    if (this.docs.has(doc.id)) this.mini.discard(doc.id);
    this.docs.set(doc.id, doc);
    this.mini.add(doc);
  }

  /** Adds many documents that are not in the index yet (a load from storage). */
  async putAllFresh(docs: SearchDoc[]): Promise<void> {
    const fresh = docs.filter((d) => !this.docs.has(d.id));
    for (const d of fresh) this.docs.set(d.id, d);
    await this.mini.addAllAsync(fresh, { chunkSize: 2000 });
  }

  remove(id: string): SearchDoc | undefined {
    const doc = this.docs.get(id);
    if (!doc) return undefined;
    this.docs.delete(id);
    this.mini.discard(id);
    return doc;
  }

  /** Every document (for persistence). */
  all(): IterableIterator<SearchDoc> {
    return this.docs.values();
  }

  clear(): void {
    this.docs.clear();
    this.mini.removeAll();
  }

  search(query: string, options: SearchOptions = {}): SearchHit[] {
    if (terms(query).length === 0) return [];
    const before = options.before === undefined ? Infinity : instant(options.before);
    const after = options.after === undefined ? -Infinity : instant(options.after);
    const filtered =
      options.conversationId !== undefined || options.sender !== undefined || options.hasFile === true || before !== Infinity || after !== -Infinity;
    const filter = (r: SearchResult) => {
      const d = this.docs.get(String(r.id));
      if (!d) return false;
      if (options.conversationId !== undefined && d.conversationId !== options.conversationId) return false;
      if (options.sender !== undefined && d.sender !== options.sender) return false;
      if (options.hasFile === true && !(d.files && d.files.length > 0)) return false;
      return d.sentAt < before && d.sentAt > after;
    };
    // Prefix matching only on the last word (the one being typed); the words before it are complete.
    const words = terms(query);
    const last = words.length - 1;
    const prefix = (_term: string, i: number) => i === last;
    const limit = options.limit ?? 50;
    const base: SearchOptionsOf = { prefix, combineWith: 'AND', ...(filtered ? { filter } : {}) };
    const run = (fuzzy: boolean): SearchResult[] => this.mini.search(query, fuzzy ? { ...base, fuzzy: fuzziness } : base);
    // Exact and prefix matches first; typos are looked for only when those find nothing. Expanding every word to its
    // misspellings costs the most (a common word has many neighbours, each with its own long posting list), and a
    // correctly spelled query needs none of them. A typo in any word of the query finds nothing exactly (AND).
    let results = run(false);
    let fuzzyPass = false;
    if (results.length === 0 && words.some((w) => fuzziness(w) !== false)) {
      results = run(true);
      fuzzyPass = true;
    }
    const cache = new Map<string, Map<string, number>>();
    const hits = results.map((r) => ({ doc: this.docs.get(String(r.id))!, r, score: fuzzyPass ? r.score / (1 + typos(r, cache)) ** 2 : r.score }));
    const order =
      options.sort === 'newest'
        ? (a: (typeof hits)[number], b: (typeof hits)[number]) => b.doc.sentAt - a.doc.sentAt || b.doc.seq - a.doc.seq
        : (a: (typeof hits)[number], b: (typeof hits)[number]) => b.score - a.score;
    return topK(hits, limit, order).map(({ doc, r, score }) => ({
      message: toMessage(doc),
      score,
      snippet: makeSnippet(doc.text, r.terms),
    }));
  }
}
