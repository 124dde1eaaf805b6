// MLS crypto-core benchmark (no server): npx tsx bench/mls.ts [--runs 20] [--big-runs 5]
// Prints a table and writes bench/results/mls.json. Suite MLS_128_DHKEMX25519_AES128GCM_SHA256_Ed25519, ts-mls.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { parseArgs } from 'node:util';
import {
  CIPHERSUITE,
  MemoryDirectory,
  MlsDevice,
  generateIdentityKeyPair,
  type MlsConversation,
} from '../src/sdk/crypto/index.js';

const { values } = parseArgs({ options: { runs: { type: 'string', default: '20' }, 'big-runs': { type: 'string', default: '5' } } });
const runs = Number(values.runs);
const bigRuns = Number(values['big-runs']);

const directory = new MemoryDirectory();
let counter = 0;
function newDevice(): MlsDevice {
  const username = `user${++counter}`;
  const identity = generateIdentityKeyPair();
  directory.setIdentityKey(username, identity.publicKey);
  const device = MlsDevice.create(identity, { username, deviceId: 'd1' }, { directory });
  directory.addCertificate(device.certificate);
  return device;
}

async function keyPackage(device: MlsDevice): Promise<Uint8Array> {
  const [kp] = await device.generateKeyPackages(1, { lastResort: false });
  return kp!.keyPackage;
}

async function time<T>(f: () => Promise<T>): Promise<[number, T]> {
  const start = performance.now();
  const value = await f();
  return [performance.now() - start, value];
}

const median = (xs: number[]) => {
  const s = [...xs].sort((a, b) => a - b);
  const mid = Math.floor(s.length / 2);
  return s.length % 2 === 1 ? s[mid]! : (s[mid - 1]! + s[mid]!) / 2;
};
const round = (x: number) => Math.round(x * 100) / 100;

async function oneToOne() {
  const setup: number[] = [];
  const first: number[] = [];
  const total: number[] = [];
  for (let i = 0; i < runs + 2; i++) {
    const alice = newDevice();
    const bob = newDevice();
    const bobKp = await keyPackage(bob); // published ahead of time, fetched from the server
    const [s, [a, b]] = await time(async () => {
      const a = await alice.createConversation(`direct-${i}`);
      const commit = await a.addMembers([bobKp]);
      await a.confirmCommit();
      const b = await bob.joinWelcome(commit.welcome!);
      return [a, b] as const;
    });
    const [m] = await time(async () => b.decrypt(await a.encrypt('hello bob, this is the first message')));
    if (i >= 2) {
      setup.push(s);
      first.push(m);
      total.push(s + m);
    }
  }
  return { setupMs: round(median(setup)), firstMessageMs: round(median(first)), totalMs: round(median(total)), runs };
}

async function hundred() {
  const add99: number[] = [];
  const join: number[] = [];
  const processAdd: number[] = [];
  const update: number[] = [];
  const processUpdate: number[] = [];
  const encrypt: number[] = [];
  const decrypt: number[] = [];
  for (let run = 0; run < bigRuns; run++) {
    // alice alone adds 99 devices in one commit
    const alice = newDevice();
    const others = Array.from({ length: 99 }, newDevice);
    const kps = await Promise.all(others.map(keyPackage));
    const a = await alice.createConversation(`big-${run}`);
    const [tAdd, commit] = await time(async () => {
      const c = await a.addMembers(kps);
      await a.confirmCommit();
      return c;
    });
    add99.push(tAdd);
    const [tJoin, first] = await time(() => others[0]!.joinWelcome(commit.welcome!));
    join.push(tJoin);

    // an existing member processes a commit that brings the group from 2 to 100 members
    const carol = newDevice();
    const dave = newDevice();
    const c = await carol.createConversation(`big-b-${run}`);
    const dAdd = await c.addMembers([await keyPackage(dave)]);
    await c.confirmCommit();
    const d = await dave.joinWelcome(dAdd.welcome!);
    const more = await Promise.all(Array.from({ length: 98 }, newDevice).map(keyPackage));
    const big = await c.addMembers(more);
    await c.confirmCommit();
    const [tProcess] = await time(() => d.processHandshake(big.commit));
    processAdd.push(tProcess);

    // a path-bearing commit in the 100-member group (key update), and a member processing it
    const second = await others[1]!.joinWelcome(commit.welcome!);
    const [tUpdate, upd] = await time(() => first.updateKeys());
    await first.confirmCommit();
    update.push(tUpdate);
    const [tProcUpd] = await time(() => second.processHandshake(upd.commit));
    processUpdate.push(tProcUpd);
    await a.processHandshake(upd.commit);

    // application messages
    for (let i = 0; i < 20; i++) {
      const [te, ct] = await time(() => a.encrypt(`message ${i} to a hundred people`));
      const [td] = await time(() => second.decrypt(ct));
      encrypt.push(te);
      decrypt.push(td);
    }
    assertSame(first, second);
  }
  return {
    members: 100,
    runs: bigRuns,
    commitAdding99Ms: round(median(add99)),
    joinFromWelcomeMs: round(median(join)),
    processCommitAdding98Ms: round(median(processAdd)),
    updateCommitMs: round(median(update)),
    processUpdateCommitMs: round(median(processUpdate)),
    encryptMs: round(median(encrypt)),
    decryptMs: round(median(decrypt)),
  };
}

function assertSame(x: MlsConversation, y: MlsConversation): void {
  if (Buffer.compare(x.epochAuthenticator(), y.epochAuthenticator()) !== 0) throw new Error('fork in the benchmark group');
}

async function main(): Promise<void> {
  const direct = await oneToOne();
  const group = await hundred();
  const result = {
    ciphersuite: CIPHERSUITE,
    node: process.version,
    cpu: os.cpus()[0]?.model ?? 'unknown',
    cpus: os.cpus().length,
    loadAverage1m: round(os.loadavg()[0] ?? 0), // timings on a busy shared machine are inflated
    date: new Date().toISOString(),
    oneToOne: direct,
    group100: group,
  };
  console.table({
    '1:1 setup (create + add + Welcome join)': { ms: direct.setupMs },
    '1:1 first message (encrypt + decrypt)': { ms: direct.firstMessageMs },
    '1:1 total': { ms: direct.totalMs },
    '100: commit adding 99 (+ GroupInfo)': { ms: group.commitAdding99Ms },
    '100: join from that Welcome': { ms: group.joinFromWelcomeMs },
    '100: member processes commit adding 98': { ms: group.processCommitAdding98Ms },
    '100: update commit (path)': { ms: group.updateCommitMs },
    '100: member processes update commit': { ms: group.processUpdateCommitMs },
    '100: encrypt application message': { ms: group.encryptMs },
    '100: decrypt application message': { ms: group.decryptMs },
  });
  const out = path.join(import.meta.dirname, 'results', 'mls.json');
  fs.mkdirSync(path.dirname(out), { recursive: true });
  fs.writeFileSync(out, `${JSON.stringify(result, null, 2)}\n`);
  console.log(`wrote ${path.relative(process.cwd(), out)}`);
}

await main();
