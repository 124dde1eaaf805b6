// Fault injection under a steady chat load (`npm run chaos`; CI runs `npm run chaos -- --rounds 4`).
// Faults, in rotation: SIGKILL the server, restart PostgreSQL (with PARLEY_TEST_DATABASE_URL), restart Redis (with
// PARLEY_TEST_REDIS_URL), drop client connections mid-send. After every round: every acknowledged message is held by
// every member exactly once, in per-conversation order. Exits 1 on any violation.
import fs from 'node:fs';
import path from 'node:path';
import { parseArgs } from 'node:util';
import type { Message, ParleyClient } from '../../src/sdk/index.js';
import { dialect, testEnv } from '../support/env.js';
import { ServerProcess } from '../support/process-server.js';
import { killServer, restartPostgres, restartRedis, type FaultKind } from './faults.js';

const { values } = parseArgs({ options: { rounds: { type: 'string', default: '20' }, 'load-ms': { type: 'string', default: '1500' } } });
const rounds = Number(values.rounds);
const loadMs = Number(values['load-ms']);
const names = ['alice', 'bob', 'carol', 'dave'];
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

interface Member {
  name: string;
  client: ParleyClient;
  received: Map<string, Message[]>;
}

const faults: FaultKind[] = ['kill-server', 'drop-connections'];
if (testEnv.databaseUrl) faults.push('restart-postgres');
if (testEnv.redisUrl) faults.push('restart-redis');

async function main(): Promise<void> {
  const server = await ServerProcess.start(testEnv.redisUrl ? { REDIS_URL: testEnv.redisUrl } : {});
  const members: Member[] = [];
  for (const name of names) {
    const client = server.client();
    await client.signup(name, `${name}-chaos-harbor-lantern-93`);
    await client.connect();
    const m: Member = { name, client, received: new Map() };
    client.on('message', (msg) => {
      const list = m.received.get(msg.conversationId) ?? [];
      list.push(msg);
      m.received.set(msg.conversationId, list);
    });
    members.push(m);
  }
  const [alice, bob, carol, dave] = members as [Member, Member, Member, Member];
  for (const other of [bob, carol, dave]) {
    await alice.client.contacts.request(other.name);
    await other.client.contacts.accept('alice');
  }
  await bob.client.contacts.request('carol');
  await carol.client.contacts.accept('bob');
  const group = (await alice.client.conversations.createGroup('chaos', ['bob', 'carol', 'dave'])).id;
  const directAB = (await alice.client.conversations.openDirect('bob')).id;
  const directBC = (await bob.client.conversations.openDirect('carol')).id;
  const conversations: Record<string, Member[]> = {
    [group]: members,
    [directAB]: [alice, bob],
    [directBC]: [bob, carol],
  };

  const acked = new Map<string, Message>();
  let running = true;
  let sendErrors = 0;
  const senders = new Set<Promise<void>>();
  const startLoad = () => {
    running = true;
    for (const m of members) {
      const mine = Object.entries(conversations).filter(([, ms]) => ms.includes(m)).map(([id]) => id);
      const loop = (async () => {
        let i = 0;
        while (running) {
          const conversationId = mine[i++ % mine.length] ?? group;
          try {
            const msg = await m.client.messages.send(conversationId, `${m.name}-${acked.size}-${i}`);
            acked.set(msg.id, msg);
          } catch {
            sendErrors++;
          }
          await sleep(15);
        }
      })();
      senders.add(loop);
      void loop.finally(() => senders.delete(loop));
    }
  };
  const stopLoad = async () => {
    running = false;
    await Promise.all([...senders]);
  };

  let violations = 0;
  const counts: Record<string, number> = {};
  const check = async (round: number): Promise<void> => {
    for (const m of members) await m.client.sync();
    await sleep(300);
    for (const [conversationId, ms] of Object.entries(conversations)) {
      const expected = [...acked.values()].filter((x) => x.conversationId === conversationId).map((x) => x.id);
      for (const m of ms) {
        const got = m.received.get(conversationId) ?? [];
        const seqs = got.map((x) => x.seq);
        const ids = new Set(got.map((x) => x.id));
        const problems: string[] = [];
        if (ids.size !== got.length) problems.push('duplicate');
        // Encryption commits take sequence numbers too and are not delivered as messages: seqs must only increase,
        // and every acknowledged message must be there, readable, with the text that was sent.
        for (let i = 1; i < seqs.length; i++) if ((seqs[i] ?? 0) <= (seqs[i - 1] ?? 0)) problems.push(`disorder at ${seqs[i - 1]}→${seqs[i]}`);
        const unreadable = got.filter((x) => x.decryptionError !== null || x.text !== (acked.get(x.id)?.text ?? x.text));
        if (unreadable.length > 0) problems.push(`${unreadable.length} message(s) not decrypted to the text sent (first: ${JSON.stringify(unreadable.slice(0, 2).map((x) => [x.seq, x.sender, x.decryptionError]))})`);
        const missing = expected.filter((id) => !ids.has(id));
        if (missing.length > 0) problems.push(`${missing.length} acknowledged message(s) missing`);
        if (problems.length > 0) {
          violations++;
          console.error(`round ${round}: ${m.name} in ${conversationId.slice(0, 8)}: ${problems.slice(0, 3).join('; ')}`);
        }
      }
    }
  };

  const started = Date.now();
  startLoad();
  for (let round = 1; round <= rounds; round++) {
    await sleep(loadMs);
    const fault = faults[(round - 1) % faults.length] ?? 'kill-server';
    counts[fault] = (counts[fault] ?? 0) + 1;
    if (fault === 'kill-server') await killServer(server);
    else if (fault === 'restart-postgres') restartPostgres();
    else if (fault === 'restart-redis') await restartRedis();
    else for (const m of members) if (Math.random() < 0.75) (m.client as unknown as { realtime: { socket?: { io: { engine: { close(): void } } } } }).realtime.socket?.io.engine.close();
    await sleep(loadMs);
    await stopLoad();
    await check(round);
    console.log(`round ${round}/${rounds}: ${fault.padEnd(17)} acknowledged so far ${acked.size}, violations ${violations}`);
    startLoad();
  }
  await stopLoad();
  await check(rounds + 1);

  const summary = {
    benchmark: 'chaos',
    dialect,
    redis: Boolean(testEnv.redisUrl),
    rounds,
    faults: counts,
    acknowledged: acked.size,
    sendErrorsRetriedByApp: sendErrors,
    violations,
    seconds: Math.round((Date.now() - started) / 1000),
  };
  console.log(`chaos: ${rounds} rounds, faults ${JSON.stringify(counts)}, ${acked.size} acknowledged messages, violations: ${violations}`);
  fs.mkdirSync(path.join('bench', 'results'), { recursive: true });
  fs.writeFileSync(path.join('bench', 'results', `chaos-${dialect}.json`), `${JSON.stringify(summary, null, 2)}\n`);
  for (const m of members) m.client.close();
  await server.close();
  process.exit(violations === 0 ? 0 : 1);
}

main().catch((err: unknown) => {
  console.error(err);
  process.exit(1);
});
