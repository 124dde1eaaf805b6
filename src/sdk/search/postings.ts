/**
 * The inverted index under search-index.ts: for each term, the documents holding it (a posting list), scored with
 * BM25+ into flat arrays. The term dictionary is MiniSearch's radix tree (`minisearch/SearchableMap`), which answers
 * the prefix (`atPrefix`) and typo (`fuzzyGet`, Levenshtein) look-ups; the posting lists and the scoring are here so
 * that a query touches only numbers: MiniSearch's own `search` builds an object per matching document (its terms, its
 * match info) for every expansion of every word, which at 100,000 messages cost more than the 30 ms a query may take.
 *
 * Documents are numbered in the order they are added; a posting is `docNumber * 16 + min(termFrequency, 15)`, so each
 * list is sorted and one small integer per entry. A removed document's postings stay until a vacuum (when a quarter of
 * the documents are dead) and are skipped meanwhile.
 */
import SearchableMap from 'minisearch/SearchableMap';

/** One term a query word expands to, with its weight (1 exact, less for a longer word or a typo). */
export interface Expansion {
  term: string;
  postings: number[];
  weight: number;
}

/** BM25+ as MiniSearch scores it (k1 1.2, b 0.7, δ 0.5), so ranking stays what it was. */
const K1 = 1.2;
const B = 0.7;
const DELTA = 0.5;
/** MiniSearch's weights for a term reached by prefix or by a typo. */
const PREFIX_WEIGHT = 0.375;
const FUZZY_WEIGHT = 0.45;
const TF_MAX = 15;

export class Postings {
  private readonly lists = new Map<string, number[]>();
  private readonly tree = new SearchableMap<number[]>();
  /** Term count per document number; -1 once removed. */
  private lengths: number[] = [];
  private totalLength = 0;
  private live = 0;
  private dead = 0;
  // Per-query scratch space, indexed by document number: scores, and which word of the query last matched.
  private scores = new Float64Array(0);
  private stamps = new Int32Array(0);
  private stampBase = 0;

  get documents(): number {
    return this.live;
  }

  /** Indexes a document's terms (in order, repeats counted) under a new number, returned. */
  add(terms: readonly string[]): number {
    const doc = this.lengths.length;
    this.lengths.push(terms.length);
    this.totalLength += terms.length;
    this.live++;
    const counts = new Map<string, number>();
    for (const t of terms) counts.set(t, (counts.get(t) ?? 0) + 1);
    for (const [t, tf] of counts) {
      let list = this.lists.get(t);
      if (!list) {
        list = [];
        this.lists.set(t, list);
        this.tree.set(t, list);
      }
      list.push(doc * 16 + Math.min(tf, TF_MAX));
    }
    return doc;
  }

  remove(doc: number): void {
    const length = this.lengths[doc];
    if (length === undefined || length < 0) return;
    this.lengths[doc] = -1;
    this.totalLength -= length;
    this.live--;
    this.dead++;
    if (this.dead > 1000 && this.dead > this.live / 4) this.vacuum();
  }

  clear(): void {
    this.lists.clear();
    this.tree.clear();
    this.lengths = [];
    this.totalLength = 0;
    this.live = 0;
    this.dead = 0;
  }

  /** Drops the postings of removed documents, and the terms left with none. */
  private vacuum(): void {
    for (const [t, list] of this.lists) {
      const kept = list.filter((p) => (this.lengths[p >>> 4] ?? -1) >= 0);
      if (kept.length === 0) {
        this.lists.delete(t);
        this.tree.delete(t);
      } else if (kept.length !== list.length) {
        this.lists.set(t, kept);
        this.tree.set(t, kept);
      }
    }
    this.dead = 0;
  }

  /**
   * What a query word matches: itself; with `prefix`, the longer words it starts; with `fuzzy` (a maximum edit
   * distance), the words that far from it. A word reached several ways keeps its best weight. A typo's weight is also
   * divided by (1 + distance)²: MiniSearch's own fuzzy weight barely separates one typo from two against the length
   * normalisation, and the closer spelling should come first.
   */
  expand(word: string, prefix: boolean, fuzzy: number | false): Map<string, Expansion> {
    const out = new Map<string, Expansion>();
    const exact = this.lists.get(word);
    if (exact) out.set(word, { term: word, postings: exact, weight: 1 });
    if (prefix) {
      for (const [term, postings] of this.tree.atPrefix(word)) {
        if (term === word) continue;
        const distance = term.length - word.length;
        out.set(term, { term, postings, weight: (PREFIX_WEIGHT * term.length) / (term.length + 0.3 * distance) });
      }
    }
    if (fuzzy !== false) {
      for (const [term, [postings, distance]] of this.tree.fuzzyGet(word, fuzzy)) {
        if (distance === 0) continue;
        const weight = (FUZZY_WEIGHT * term.length) / (term.length + distance) / (1 + distance) ** 2;
        const known = out.get(term);
        if (!known || known.weight < weight) out.set(term, { term, postings, weight });
      }
    }
    return out;
  }

  /**
   * The documents that match every word (each word given by its expansions), with their summed BM25+ scores. The
   * returned `scores` array is scratch space, valid until the next call; index it by document number.
   */
  match(words: readonly Map<string, Expansion>[]): { docs: number[]; scores: Float64Array } {
    this.reserve();
    if (this.stampBase > 1 << 30) {
      this.stamps.fill(0);
      this.stampBase = 0;
    }
    const base = this.stampBase;
    this.stampBase += words.length + 1;
    const size = (w: Map<string, Expansion>) => {
      let n = 0;
      for (const e of w.values()) n += e.postings.length;
      return n;
    };
    // The rarest word first: the candidates only shrink after it.
    const ordered = [...words].sort((a, b) => size(a) - size(b));
    const { lengths, scores, stamps } = this;
    const average = this.live > 0 ? this.totalLength / this.live : 1;
    let docs: number[] = [];
    for (let i = 0; i < ordered.length; i++) {
      const previous = base + i;
      const current = base + i + 1;
      const next: number[] = [];
      for (const { postings, weight } of ordered[i]!.values()) {
        const df = postings.length;
        const idf = Math.log(1 + (this.live - df + 0.5) / (df + 0.5));
        for (let j = 0; j < postings.length; j++) {
          const p = postings[j]!;
          const doc = p >>> 4;
          const length = lengths[doc]!;
          if (length < 0) continue;
          const stamp = stamps[doc]!;
          if (stamp !== current) {
            if (i > 0 && stamp !== previous) continue;
            if (i === 0) scores[doc] = 0;
            stamps[doc] = current;
            next.push(doc);
          }
          const tf = p & 15;
          scores[doc] = scores[doc]! + weight * idf * (DELTA + (tf * (K1 + 1)) / (tf + K1 * (1 - B + (B * length) / average)));
        }
      }
      docs = next;
      if (docs.length === 0) break;
    }
    return { docs, scores };
  }

  private reserve(): void {
    const n = this.lengths.length;
    if (this.scores.length >= n) return;
    const capacity = Math.max(1024, n * 2);
    this.scores = new Float64Array(capacity);
    const stamps = new Int32Array(capacity);
    stamps.set(this.stamps);
    this.stamps = stamps;
  }
}
