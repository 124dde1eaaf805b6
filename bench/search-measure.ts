/**
 * The search benchmark's measurements, the same code in Node and in a browser Worker: index a generated corpus,
 * size it at rest (the chunks persistence.ts writes, plus AES-GCM's 28 bytes per record), rebuild it from those
 * chunks (a reload), and time single-word, prefix and two-word queries.
 */
import { MemoryStore } from '../src/sdk/e2ee/store.js';
import { IndexStore, chunkOf, emptyManifest } from '../src/sdk/search/persistence.js';
import { SearchIndex, type SearchDoc } from '../src/sdk/search/search-index.js';
import { generateCorpus, generateQueries } from './search-corpus.js';

export interface QueryFigures {
  queries: number;
  /** The same on CPU time (Node only): what the query costs without waiting for a core on a loaded machine. */
  cpuP50Ms?: number;
  cpuP95Ms?: number;
  p50Ms: number;
  p95Ms: number;
  p99Ms: number;
  meanResults: number;
}

export interface SearchFigures {
  messages: number;
  indexMs: number;
  indexPerSecond: number;
  /** Messages per CPU second (Node only). */
  indexPerCpuSecond?: number;
  chunks: number;
  sizeAtRestBytes: number;
  reloadMs: number;
  queries: { single: QueryFigures; prefix: QueryFigures; twoWords: QueryFigures };
}

const pct = (sorted: number[], p: number) => sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] ?? 0;
const round = (n: number) => Math.round(n * 100) / 100;

function timeQueries(index: SearchIndex, queries: string[], now: () => number, cpu?: () => number): QueryFigures {
  const times: number[] = [];
  const cpuTimes: number[] = [];
  let results = 0;
  for (const q of queries) {
    const start = now();
    const startCpu = cpu?.() ?? 0;
    results += index.search(q, { limit: 50 }).length;
    times.push(now() - start);
    if (cpu) cpuTimes.push(cpu() - startCpu);
  }
  times.sort((a, b) => a - b);
  cpuTimes.sort((a, b) => a - b);
  return {
    queries: queries.length,
    p50Ms: round(pct(times, 50)),
    p95Ms: round(pct(times, 95)),
    p99Ms: round(pct(times, 99)),
    ...(cpu ? { cpuP50Ms: round(pct(cpuTimes, 50)), cpuP95Ms: round(pct(cpuTimes, 95)) } : {}),
    meanResults: round(results / queries.length),
  };
}

/** `cpu`: this thread's CPU time in ms, where the platform has it (Node). */
export async function measureSearch(count: number, now: () => number, cpu?: () => number, queriesPerKind = 300): Promise<SearchFigures> {
  const corpus = generateCorpus(count);
  // Sequence numbers count per conversation, as on the server.
  const seqs = new Map<string, number>();
  const docs: SearchDoc[] = corpus.map((m) => ({
    id: m.id,
    conversationId: m.conversationId,
    seq: seqs.set(m.conversationId, (seqs.get(m.conversationId) ?? 0) + 1).get(m.conversationId) ?? 0,
    sender: m.sender,
    sentAt: Date.parse(m.sentAt),
    editedAt: null,
    text: m.text,
    contentType: 'application/mls-private',
    encrypted: true,
  }));

  const index = new SearchIndex();
  const t0 = now();
  const c0 = cpu?.() ?? 0;
  for (const d of docs) index.put(d);
  const indexMs = now() - t0;
  const indexCpuMs = (cpu?.() ?? 0) - c0;

  // At rest: every chunk as persistence.ts writes it.
  const chunks = new Map<string, SearchDoc[]>();
  for (const d of docs) {
    const key = chunkOf(d);
    const list = chunks.get(key);
    if (list) list.push(d);
    else chunks.set(key, [d]);
  }
  const store = new MemoryStore();
  const persisted = new IndexStore(store, 'bench');
  const manifest = emptyManifest();
  const bytes = await persisted.write(manifest, chunks);
  const sizeAtRestBytes = bytes + 28 * (chunks.size + 1);

  // A reload: read the chunks back and rebuild the index.
  const t1 = now();
  const reloaded = new SearchIndex();
  const stored = await persisted.manifest();
  if (stored) for await (const part of persisted.documents(stored)) await reloaded.putAllFresh(part);
  const reloadMs = now() - t1;
  if (reloaded.size !== docs.length) throw new Error(`reloaded ${reloaded.size} of ${docs.length}`);

  const q = generateQueries(corpus, queriesPerKind);
  return {
    messages: count,
    indexMs: round(indexMs),
    indexPerSecond: Math.round(count / (indexMs / 1000)),
    ...(cpu ? { indexPerCpuSecond: Math.round(count / (indexCpuMs / 1000)) } : {}),
    chunks: chunks.size,
    sizeAtRestBytes,
    reloadMs: round(reloadMs),
    queries: {
      single: timeQueries(index, q.single, now, cpu),
      prefix: timeQueries(index, q.prefix, now, cpu),
      twoWords: timeQueries(index, q.twoWords, now, cpu),
    },
  };
}
