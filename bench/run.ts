// Load benchmark: many users connected (most idle), pairs and small groups chatting at a target rate, ramping until
// the latency budget breaks — against Parley and, in the same run, against a bare socket.io relay.
//   npm run bench                                   (10,000 users, SQLite, rates 500 … 16,000 msg/s)
//   npm run bench:short                             (CI: 200 users, 2 short steps; exits 1 on any lost/duplicated)
//   npm run bench -- --users 2000 --rates 200,500,1000 --label medium
//   npm run bench -- --database-url postgres://… --redis-url redis://… --workers 2
//   npm run bench -- --url http://127.0.0.1:5000 --server-pid 1234   (a server already running)
//   npm run bench -- --cpu-prof                     (profile the server; summary in the JSON)
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { openFilesLimit, raiseOpenFilesLimit } from './open-files.js';
import { BENCH_DIR } from './processes.js';
import { createProgress } from './progress.js';
import { dialect, label, opts, short } from './run-options.js';
import { compare, printTable } from './run-report.js';
import { runTarget, type TargetResult } from './run-target.js';
import { autogroupNice, loadAverage, round, setAutogroupNice } from './stats.js';

async function main(): Promise<void> {
  raiseOpenFilesLimit(opts.users);
  const limit = openFilesLimit();
  const notes = [
    'Client KDF: the generators sign up with the test-only Argon2id {memoryKiB: 256, iterations: 1, parallelism: 1} ' +
      '(NODE_ENV=test, PARLEY_INSECURE_TEST_KDF=true). The client-side KDF cost is not what this benchmark measures; ' +
      (opts.insecureServerHash
        ? 'the server hashes each authKey with a test-only argon2id too (m=256 KiB, t=1; --server-hash test, PARLEY_INSECURE_TEST_SERVER_HASH).'
        : 'the server still hashes every authKey with its production argon2id (m=19 MiB, t=2).'),
    `Load generators run in ${opts.generators} processes of their own on the same machine as the server: they share its ${os.cpus().length} cores (see generatorCpuPercent).`,
    'otherCpuPercent is machine CPU used by neither the server nor the generators (other work on the machine); 100 % = one core. ' +
      'cpuPressurePercent ("CPU wait %") is Linux PSI cpu some avg10: the share of time some runnable task waited for a core.',
    'Latency is send → deliver at each member other than the sender (plain: the send time carried in the text; MLS: the time the ' +
      'send fell due, kept by the generator, which holds sender and receivers alike, and the message matched by its ciphertext); ' +
      'delivered/s counts messages that reached every member (the sender\'s own echo included) inside the step window.',
    'Rate limits (signups, events and messages per connection) are raised through the server environment for the run.',
  ];
  if (opts.body === 'mls') {
    notes.push(
      'MLS bodies: each conversation is an MLS group made through the SDK (devices, KeyPackages, Welcomes); before each step the ' +
        'generators encrypt its PrivateMessages and commits (fresh keys, one per --commit-every messages) ahead (prepareSeconds, not timed). ' +
        'A commit goes once the sends before it in its conversation are acknowledged, and the sends after it wait for its acknowledgement ' +
        '(their wait counts in their latency). The relay carries text bodies of the same size.',
    );
  }
  if (opts.nice !== undefined) {
    notes.push(`The server, relay and generators ran at nice ${opts.nice}, ahead of other work on the machine.`);
  }
  if (limit !== undefined && limit < opts.users + 200) {
    notes.push(`ulimit -n is ${limit}: the server needs one descriptor per connection (${opts.users} users) — raise it (ulimit -n ${opts.users * 2}).`);
    console.warn(`warning: ${notes[notes.length - 1]}`);
  }
  const progress = await createProgress();
  const started = new Date();
  const loadStart = loadAverage();
  console.log(
    `bench "${label}": ${opts.users} users, ${opts.activeFraction * 100} % active, ${opts.body === 'mls' ? `MLS bodies (a commit per ${opts.commitEvery} messages)` : 'plain bodies'}, ` +
      `${opts.sourceAddresses.length > 0 ? `from ${opts.sourceAddresses.length} loopback addresses, ` : ''}`+
      ` steps ${opts.rates.join(', ')} msg/s × ${opts.stepSeconds} s, ` +
      `p99 budget ${opts.budgetMs} ms, ${opts.generators} generators; machine: ${os.cpus().length} cores, load ${loadStart}, ulimit -n ${limit ?? '?'}`,
  );
  if (opts.url && opts.serverPid === undefined) console.log('note: --url without --server-pid: server RSS and CPU are not measured');

  const results: TargetResult[] = [];
  // --nice raises the scheduler autogroup too, which is this terminal's session: put it back afterwards.
  const sessionNice = autogroupNice();
  try {
    if (opts.parley) results.push(await runTarget('parley', opts.rates, progress));
    if (opts.relay) results.push(await runTarget('relay', opts.relayRates, progress));
  } finally {
    if (opts.nice !== undefined && sessionNice !== undefined) setAutogroupNice(sessionNice);
  }
  progress.stop();

  for (const r of results) printTable(r);
  for (const n of notes) console.log(`note: ${n}`);

  const parley = results.find((r) => r.target === 'parley');
  const relay = results.find((r) => r.target === 'relay');
  const comparison = parley && relay ? compare(parley, relay) : undefined;

  const out = path.join(BENCH_DIR, 'results', `bench-${label}.json`);
  fs.mkdirSync(path.dirname(out), { recursive: true });
  fs.writeFileSync(
    out,
    `${JSON.stringify(
      {
        benchmark: 'load',
        label,
        startedAt: started.toISOString(),
        finishedAt: new Date().toISOString(),
        machine: {
          cores: os.cpus().length,
          cpu: os.cpus()[0]?.model ?? 'unknown',
          memoryGiB: round(os.totalmem() / 2 ** 30, 1),
          node: process.version,
          openFilesLimit: limit ?? null,
          loadAverageAtStart: loadStart,
          loadAverageAtEnd: loadAverage(),
        },
        options: { ...opts, dialect, url: opts.url ?? null, databaseUrl: opts.databaseUrl ? '(set)' : null, redisUrl: opts.redisUrl ? '(set)' : null },
        notes,
        results,
        comparison: comparison ?? null,
      },
      null,
      2,
    )}\n`,
  );
  console.log(`wrote ${path.relative(process.cwd(), out)}`);

  // A refused send is a broken run too: with MLS bodies it means the benchmark's groups and the server disagree.
  const broken = parley?.steps.some((s) => s.lost > 0 || s.duplicated > 0 || s.outOfOrder > 0 || s.failed > 0) ?? false;
  if (broken) {
    console.error('FAIL: Parley lost, duplicated, reordered or refused messages');
    process.exitCode = 1;
  } else if (results.some((r) => r.failure)) {
    process.exitCode = 2;
  } else if (short && (parley?.steps.length ?? 0) === 0) {
    process.exitCode = 2;
  }
}

main().catch((err: unknown) => {
  console.error(err);
  process.exit(2);
});
