// Files benchmark: one file encrypted, uploaded, downloaded and decrypted through the SDK, against a plain HTTP upload
// and download of the same bytes through the same routes of the same server (no client crypto), with the server's
// resident memory sampled throughout (it must stay flat: bytes stream, never whole in memory).
//   npm run bench:files                  1 GiB, SQLite
//   npm run bench:files -- --mb 256
//   npm run bench:files -- --short       32 MiB (CI)
//   PARLEY_TEST_DATABASE_URL=postgres://… npm run bench:files
// Prints a table and writes bench/results/files.json.
import { createHash } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { parseArgs } from 'node:util';
import { UploadStatus } from '../src/protocol/blobs.js';
import type { ParleyClient } from '../src/sdk/index.js';
import { dialect } from '../test/support/env.js';
import { attachmentsOf, httpOf } from '../test/support/files.js';
import { ServerProcess } from '../test/support/process-server.js';
import { befriend, PASSWORDS } from '../test/support/users.js';

const { values } = parseArgs({ options: { mb: { type: 'string' }, short: { type: 'boolean', default: false } } });
const MiB = 1024 * 1024;
const size = Number(values.mb ?? (values.short ? 32 : 1024)) * MiB;
const PIECE = 4 * MiB;

/** Pseudo-random plaintext made on the fly (a random block, a counter in each copy): never whole in memory. */
function makeSource(total: number): () => AsyncGenerator<Uint8Array> {
  const block = new Uint8Array(PIECE);
  crypto.getRandomValues(block.subarray(0, 65_536));
  for (let at = 65_536; at < PIECE; at += 65_536) block.set(block.subarray(0, 65_536), at);
  return async function* () {
    for (let at = 0, n = 0; at < total; at += PIECE, n++) {
      const piece = block.slice(0, Math.min(PIECE, total - at));
      new DataView(piece.buffer).setUint32(0, n);
      yield await Promise.resolve(piece);
    }
  };
}

/** The server's resident set, sampled every 50 ms: the peak of each phase. */
class RssSampler {
  private peak = 0;
  private readonly timer: NodeJS.Timeout;
  constructor(private readonly pid: number) {
    this.timer = setInterval(() => this.sample(), 50);
  }
  sample(): number {
    const status = fs.readFileSync(`/proc/${this.pid}/status`, 'utf8');
    const kb = Number(/VmRSS:\s+(\d+)/.exec(status)?.[1] ?? 0);
    this.peak = Math.max(this.peak, kb * 1024);
    return kb * 1024;
  }
  takePeak(): number {
    const peak = Math.max(this.peak, this.sample());
    this.peak = 0;
    return peak;
  }
  stop(): void {
    clearInterval(this.timer);
  }
}

const mbps = (bytes: number, ms: number) => Number((bytes / MiB / (ms / 1000)).toFixed(1));
const mib = (bytes: number) => Number((bytes / MiB).toFixed(1));

async function timed<T>(run: () => Promise<T>): Promise<[T, number]> {
  const start = performance.now();
  const value = await run();
  return [value, performance.now() - start];
}

async function main(): Promise<void> {
  const server = await ServerProcess.start({ MAX_FILE_BYTES: String(size), USER_QUOTA_BYTES: String(4 * size + 64 * MiB) });
  const rss = new RssSampler(server.pid ?? 0);
  const clients: ParleyClient[] = [];
  try {
    const signed = async (name: string) => {
      const c = server.client();
      clients.push(c);
      await c.signup(name, PASSWORDS[name] ?? 'x');
      await c.connect();
      return c;
    };
    const [alice, bob] = [await signed('alice'), await signed('bob')];
    await befriend(alice, bob);
    const conversationId = (await alice.conversations.openDirect('bob')).id;
    const source = makeSource(size);
    const expected = createHash('sha256');
    for await (const piece of source()) expected.update(piece);
    const digest = expected.digest('hex');
    const idle = rss.takePeak();

    // Plain: the same bytes through the same routes, no encryption.
    const http = httpOf(alice);
    const [plainBlob, plainUpMs] = await timed(async () => {
      const created = await http.request('POST', '/api/blobs', UploadStatus, { conversationId, size });
      let offset = 0;
      for await (const piece of source()) {
        const headers = { 'content-type': 'application/octet-stream', 'upload-offset': String(offset) };
        await http.binary('PATCH', `/api/blobs/${created.blobId}`, { headers, body: piece as Uint8Array<ArrayBuffer> });
        offset += piece.length;
      }
      return created.blobId;
    });
    const plainUpPeak = rss.takePeak();
    const [plainDigest, plainDownMs] = await timed(async () => {
      const res = await http.binary('GET', `/api/blobs/${plainBlob}`, {});
      const hash = createHash('sha256');
      for await (const piece of res.body as unknown as AsyncIterable<Uint8Array>) hash.update(piece);
      return hash.digest('hex');
    });
    const plainDownPeak = rss.takePeak();

    // Encrypted, through the SDK.
    const files = attachmentsOf(alice);
    const [descriptor, encUpMs] = await timed(() =>
      files.upload(conversationId, { name: 'big.bin', type: 'application/octet-stream', data: source(), size }),
    );
    const encUpPeak = rss.takePeak();
    const [encDigest, encDownMs] = await timed(async () => {
      const hash = createHash('sha256');
      for await (const piece of files.stream(descriptor)) hash.update(piece);
      return hash.digest('hex');
    });
    const encDownPeak = rss.takePeak();
    if (plainDigest !== digest || encDigest !== digest) throw new Error('a download did not give back the bytes uploaded');

    const result = {
      dialect,
      fileMiB: mib(size),
      plain: { uploadMBps: mbps(size, plainUpMs), downloadMBps: mbps(size, plainDownMs) },
      encrypted: { uploadMBps: mbps(size, encUpMs), downloadMBps: mbps(size, encDownMs) },
      ratio: {
        upload: Number((plainUpMs / encUpMs).toFixed(2)),
        download: Number((plainDownMs / encDownMs).toFixed(2)),
        roundTrip: Number(((plainUpMs + plainDownMs) / (encUpMs + encDownMs)).toFixed(2)),
      },
      serverRssMiB: {
        idle: mib(idle),
        plainUploadPeak: mib(plainUpPeak),
        plainDownloadPeak: mib(plainDownPeak),
        encryptedUploadPeak: mib(encUpPeak),
        encryptedDownloadPeak: mib(encDownPeak),
      },
      identical: true,
      at: new Date().toISOString(),
    };
    console.table({
      plain: { 'upload MB/s': result.plain.uploadMBps, 'download MB/s': result.plain.downloadMBps, 'server peak RSS MiB': Math.max(result.serverRssMiB.plainUploadPeak, result.serverRssMiB.plainDownloadPeak) },
      'encrypted (SDK)': { 'upload MB/s': result.encrypted.uploadMBps, 'download MB/s': result.encrypted.downloadMBps, 'server peak RSS MiB': Math.max(result.serverRssMiB.encryptedUploadPeak, result.serverRssMiB.encryptedDownloadPeak) },
    });
    console.log(`${dialect}, ${mib(size)} MiB: encrypted/plain rate ${result.ratio.roundTrip} (upload ${result.ratio.upload}, download ${result.ratio.download}); server RSS idle ${result.serverRssMiB.idle} MiB`);
    const out = path.join('bench', 'results', 'files.json');
    fs.mkdirSync(path.dirname(out), { recursive: true });
    fs.writeFileSync(out, `${JSON.stringify(result, null, 2)}\n`);
    console.log(`wrote ${out}`);
  } finally {
    rss.stop();
    for (const c of clients) c.close();
    await server.close();
  }
}

main().catch((err: unknown) => {
  console.error(err);
  process.exit(1);
});
