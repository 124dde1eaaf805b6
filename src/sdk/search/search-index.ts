/**
 * The in-memory full-text index of one device (postings.ts, on MiniSearch's radix tree): documents are the messages it could read. Text and
 * attachment names are indexed; conversation, sender and time are filters. The documents themselves are kept here
 * too (to answer with a message and a snippet, and to be persisted by persistence.ts).
 */
import { noRichFields, type Message } from '../message-stream.js';
import { Postings } from './postings.js';
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

/** The terms a document is indexed under: its text and its attachments' names. */
const docTerms = (doc: SearchDoc): string[] => (doc.files && doc.files.length > 0 ? terms(`${doc.text} ${doc.files.join(' ')}`) : terms(doc.text));

export class SearchIndex {
  private readonly docs = new Map<string, { doc: SearchDoc; number: number }>();
  /** Documents by their number in the postings. */
  private byNumber: (SearchDoc | undefined)[] = [];
  private postings = new Postings();

  get size(): number {
    return this.docs.size;
  }

  get(id: string): SearchDoc | undefined {
    return this.docs.get(id)?.doc;
  }

  /** Adds a document, replacing the one with its id (an edit re-indexes). */
  put(doc: SearchDoc): void {
    this.remove(doc.id);
    const number = this.postings.add(docTerms(doc));
    this.byNumber[number] = doc;
    this.docs.set(doc.id, { doc, number });
  }

  /** Adds many documents that are not in the index yet (a load from storage), yielding to the event loop between chunks. */
  async putAllFresh(docs: SearchDoc[]): Promise<void> {
    let n = 0;
    for (const d of docs) {
      if (this.docs.has(d.id)) continue;
      this.put(d);
      if (++n % 2000 === 0) await new Promise((resolve) => setTimeout(resolve, 0));
    }
  }

  remove(id: string): SearchDoc | undefined {
    const entry = this.docs.get(id);
    if (!entry) return undefined;
    this.docs.delete(id);
    this.byNumber[entry.number] = undefined;
    this.postings.remove(entry.number);
    return entry.doc;
  }

  /** Every document (for persistence). */
  *all(): IterableIterator<SearchDoc> {
    for (const { doc } of this.docs.values()) yield doc;
  }

  clear(): void {
    this.docs.clear();
    this.byNumber = [];
    this.postings = new Postings();
  }

  search(query: string, options: SearchOptions = {}): SearchHit[] {
    const words = [...new Set(terms(query))];
    if (words.length === 0) return [];
    const before = options.before === undefined ? Infinity : instant(options.before);
    const after = options.after === undefined ? -Infinity : instant(options.after);
    const filtered =
      options.conversationId !== undefined || options.sender !== undefined || options.hasFile === true || before !== Infinity || after !== -Infinity;
    const keep = (d: SearchDoc) =>
      (options.conversationId === undefined || d.conversationId === options.conversationId) &&
      (options.sender === undefined || d.sender === options.sender) &&
      (options.hasFile !== true || (d.files !== undefined && d.files.length > 0)) &&
      d.sentAt < before &&
      d.sentAt > after;
    // Prefix matching only on the last word (the one being typed); the words before it are complete.
    const last = words.length - 1;
    const run = (fuzzy: boolean) => {
      const expansions = words.map((w, i) => this.postings.expand(w, i === last, fuzzy ? fuzziness(w) : false));
      return { expansions, ...this.postings.match(expansions) };
    };
    // Exact and prefix matches first; typos are looked for only when those find nothing. Expanding every word to its
    // misspellings costs the most (a common word has many neighbours, each with its own long posting list), and a
    // correctly spelled query needs none of them. A typo in any word of the query finds nothing exactly (AND).
    let found = run(false);
    if (found.docs.length === 0 && words.some((w) => fuzziness(w) !== false)) found = run(true);
    const { expansions, scores } = found;
    const candidates = filtered ? found.docs.filter((n) => keep(this.byNumber[n]!)) : found.docs;
    const order =
      options.sort === 'newest'
        ? (a: number, b: number) => {
            const da = this.byNumber[a]!;
            const db = this.byNumber[b]!;
            return db.sentAt - da.sentAt || db.seq - da.seq;
          }
        : (a: number, b: number) => scores[b]! - scores[a]! || a - b;
    return topK(candidates, options.limit ?? 50, order).map((n) => {
      const doc = this.byNumber[n]!;
      // The words of this message that the query matched, for the snippet's highlights.
      const matched = [...new Set(terms(doc.text))].filter((t) => expansions.some((e) => e.has(t)));
      return { message: toMessage(doc), score: scores[n]!, snippet: makeSnippet(doc.text, matched) };
    });
  }
}
