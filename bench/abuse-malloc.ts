// Where a history flood's memory stays: reads pages of 64 KiB bodies from SQLite (better-sqlite3, as the server does),
// holds a few hundred MiB of them for a while (a slow reader's unsent output) while a few small native buffers are made
// that live on, lets the pages go, collects, and prints the process's RSS beside V8's heap and the ArrayBuffers. Run
// once with glibc's default allocator settings and once with npm start's (PRODUCTION_ENV): the difference is memory
// the C library kept after it was freed.
//   npx tsx bench/abuse-malloc.ts
import { spawnSync } from 'node:child_process';
import { setTimeout as sleep } from 'node:timers/promises';
import Database from 'better-sqlite3';
import { PRODUCTION_ENV } from './processes.js';

const mib = (n: number) => Math.round(n / 1048576);
function line(label: string): string {
  const m = process.memoryUsage();
  return `${label.padEnd(12)} rss ${mib(m.rss)}  heapTotal ${mib(m.heapTotal)}  arrayBuffers ${mib(m.arrayBuffers)}`;
}

async function child(): Promise<void> {
  const db = new Database(':memory:');
  db.exec('create table m (id integer primary key, body blob)');
  const insert = db.prepare('insert into m (body) values (?)');
  for (let i = 0; i < 100; i++) insert.run(Buffer.alloc(64 * 1024, 0x61 + (i % 26)));
  const page = db.prepare('select id, body from m order by id limit 100');
  const out = [line('idle')];
  let held: unknown[] = [];
  const survivors: Buffer[] = [];
  for (let i = 0; i < 40; i++) {
    held.push(page.all());
    // Small native allocations in between that live on (a new connection's buffers, SQLite's cache), as in the server.
    survivors.push(Buffer.allocUnsafeSlow(8 * 1024));
    if (held.length > 60) held.splice(0, 1 + (i % 20));
  }
  out.push(line('peak'));
  held = [];
  await sleep(100);
  const gc = (globalThis as { gc?: () => void }).gc;
  gc?.();
  gc?.();
  await sleep(500);
  out.push(line('freed'));
  out.push(`(${survivors.length} small buffers still held)`);
  console.log(out.join('\n'));
}

if (process.argv[2] === '--child') await child();
else {
  for (const [name, extra] of [['glibc default', {}], ['npm start (MALLOC_MMAP_THRESHOLD_=65536)', PRODUCTION_ENV]] as const) {
    const run = spawnSync(process.execPath, ['--expose-gc', '--import', 'tsx', new URL(import.meta.url).pathname, '--child'], {
      env: { ...process.env, ...extra },
      encoding: 'utf8',
    });
    console.log(`${name} (MiB):\n${run.stdout}${run.stderr}`);
  }
}
