/**
 * Which search library: Parley's posting lists (on MiniSearch's radix tree), MiniSearch, FlexSearch and Orama on the same generated corpus (fixed seed): indexing rate,
 * serialized size, query p50/p95 and a few quality cases (typo, missing accents, prefix, CJK). Each library is given
 * its own best built-in options for folding and fuzzy matching. Prints a table; writes bench/results/search-libs.json.
 * Usage: npx tsx bench/search-libs.ts [--messages N]
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { performance } from 'node:perf_hooks';
import { Charset, Index } from 'flexsearch';
import MiniSearch from 'minisearch';
import { create, insertMultiple, save, search as oramaSearch } from '@orama/orama';
import { SearchIndex } from '../src/sdk/search/search-index.js';
import { terms } from '../src/sdk/search/text.js';
import { generateCorpus, generateQueries, type CorpusMessage } from './search-corpus.js';

const arg = (name: string, fallback: number) => {
  const i = process.argv.indexOf(`--${name}`);
  return i > 0 ? Number(process.argv[i + 1]) : fallback;
};
const N = arg('messages', 20_000);

interface Engine {
  name: string;
  build(corpus: CorpusMessage[]): Promise<void>;
  query(q: string): Promise<string[]>;
  size(): number;
}

const minisearch = (): Engine => {
  let index: MiniSearch<CorpusMessage>;
  return {
    name: 'minisearch 7.2 (our folding/tokenizer, prefix, fuzzy 0.2)',
    build(corpus) {
      index = new MiniSearch<CorpusMessage>({ fields: ['text'], tokenize: terms, processTerm: (t) => t });
      index.addAll(corpus);
      return Promise.resolve();
    },
    query: (q) => Promise.resolve(index.search(q, { prefix: true, fuzzy: 0.2, combineWith: 'AND' }).slice(0, 20).map((r) => String(r.id))),
    size: () => JSON.stringify(index).length,
  };
};

const flexsearch = (): Engine => {
  let index: Index;
  return {
    name: 'flexsearch 0.8 (LatinBalance, forward)',
    build(corpus) {
      index = new Index({ tokenize: 'forward', encoder: Charset.LatinBalance });
      for (const m of corpus) index.add(Number(m.id.slice(1)), m.text);
      return Promise.resolve();
    },
    query: (q) => Promise.resolve((index.search(q, { limit: 20, suggest: true }) as number[]).map((id) => `m${id}`)),
    size: () => {
      let bytes = 0;
      index.export((key, data) => void (bytes += key.length + (data?.length ?? 0)));
      return bytes;
    },
  };
};

/** What Parley uses: its own posting lists and BM25+ over MiniSearch's radix tree (src/sdk/search/postings.ts). */
const parley = (): Engine => {
  const index = new SearchIndex();
  return {
    name: 'parley (postings on minisearch/SearchableMap)',
    build(corpus) {
      for (const m of corpus) {
        index.put({ id: m.id, conversationId: m.conversationId, seq: 0, sender: m.sender, sentAt: Date.parse(m.sentAt), editedAt: null, text: m.text, contentType: 'text/plain', encrypted: true });
      }
      return Promise.resolve();
    },
    query: (q) => Promise.resolve(index.search(q, { limit: 20 }).map((h) => h.message.id)),
    // What persistence.ts stores: the messages themselves (the index is rebuilt on load).
    size: () => JSON.stringify([...index.all()]).length,
  };
};

const orama = (): Engine => {
  const db = create({ schema: { id: 'string', text: 'string' } as const });
  return {
    name: 'orama 3.1 (default tokenizer, tolerance 1)',
    async build(corpus) {
      await insertMultiple(db, corpus.map((m) => ({ id: m.id, text: m.text })), 1000);
    },
    query: async (q) => (await oramaSearch(db, { term: q, tolerance: 1, limit: 20 })).hits.map((h) => h.id),
    size: () => JSON.stringify(save(db)).length,
  };
};

/** Quality: does the query find (in the first 20) a message containing `expect` (folded)? */
const CASES = [
  { kind: 'typo', query: 'meetng', expect: 'meeting' },
  { kind: 'typo', query: 'bibliotheqe', expect: 'bibliothèque' },
  { kind: 'no accents', query: 'reunion', expect: 'réunion' },
  { kind: 'no accents', query: 'creme brulee', expect: 'crème brûlée' },
  { kind: 'no accents', query: 'strasse', expect: 'straße' },
  { kind: 'prefix', query: 'bibliot', expect: 'bibliot' },
  { kind: 'prefix', query: 'anniv', expect: 'anniversaire' },
  { kind: 'cyrillic', query: 'встреча', expect: 'встреча' },
  { kind: 'CJK substring', query: '图书', expect: '图书馆' },
];
const folded = (s: string) => s.normalize('NFKD').replace(/\p{M}/gu, '').toLowerCase().replace(/ß/g, 'ss');

const pct = (xs: number[], p: number) => {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.floor((p / 100) * s.length))] ?? 0;
};

async function main(): Promise<void> {
  const corpus = generateCorpus(N);
  const byId = new Map(corpus.map((m) => [m.id, m]));
  const queries = generateQueries(corpus, 200);
  const all = [...queries.single, ...queries.prefix, ...queries.twoWords];
  const results = [];
  for (const make of [parley, minisearch, flexsearch, orama]) {
    const engine = make();
    const t0 = performance.now();
    await engine.build(corpus);
    const buildMs = performance.now() - t0;
    const times: number[] = [];
    for (const q of all) {
      const s = performance.now();
      await engine.query(q);
      times.push(performance.now() - s);
    }
    const quality: Record<string, boolean> = {};
    for (const c of CASES) {
      const ids = await engine.query(c.query);
      quality[`${c.kind}: ${c.query}`] = ids.some((id) => folded(byId.get(id)?.text ?? '').includes(folded(c.expect)));
    }
    const row = {
      library: engine.name,
      messages: N,
      indexPerSecond: Math.round(N / (buildMs / 1000)),
      sizeBytes: engine.size(),
      p50Ms: Number(pct(times, 50).toFixed(2)),
      p95Ms: Number(pct(times, 95).toFixed(2)),
      quality,
      qualityPassed: `${Object.values(quality).filter(Boolean).length}/${CASES.length}`,
    };
    results.push(row);
    console.log(
      `${row.library.padEnd(58)} ${String(row.indexPerSecond).padStart(7)} msg/s ${(row.sizeBytes / 1e6).toFixed(1).padStart(6)} MB ` +
        `p50 ${row.p50Ms} ms p95 ${row.p95Ms} ms quality ${row.qualityPassed}`,
    );
    for (const [k, v] of Object.entries(quality)) if (!v) console.log(`    missed ${k}`);
  }
  mkdirSync('bench/results', { recursive: true });
  writeFileSync('bench/results/search-libs.json', JSON.stringify({ date: new Date().toISOString(), node: process.version, results }, null, 2));
}

await main();
