// Calls between the page and the MLS worker per message sent, in Chromium (the test build counts them by method):
// alice sends N messages to bob one after the other (each acknowledged), bob answers once, and the calls alice's page
// made to its worker (`called`) and answered for it (`answered`: the worker's callbacks into the page) are divided by
// N. Prints a table and writes bench/results/worker-crossings.json. Options: --messages N (default 20).
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import { parseArgs } from 'node:util';
import type { Page } from 'playwright-core';
import { befriendInUi, chatUser, expectMessages, launchChromium, openConversationInUi, sendInUi } from '../test/support/browser.js';
import { startTestServer } from '../test/support/server.js';

const { values } = parseArgs({ options: { messages: { type: 'string', default: '20' } } });
const n = Number(values.messages);

type Counts = { called: Record<string, number>; answered: Record<string, number> };

const read = (page: Page): Promise<Counts> =>
  page.evaluate(() => JSON.parse(JSON.stringify((globalThis as { __parleyCrossings?: unknown }).__parleyCrossings ?? {})) as Counts);

function minus(after: Record<string, number>, before: Record<string, number>): Record<string, number> {
  const out: Record<string, number> = {};
  for (const [k, v] of Object.entries(after)) if (v - (before[k] ?? 0) > 0) out[k] = v - (before[k] ?? 0);
  return out;
}

async function main(): Promise<void> {
  execFileSync(process.execPath, ['scripts/ensure-build.mjs', '--web-only', '--test-web'], { stdio: 'inherit' });
  const t = await startTestServer({ env: { LOG_LEVEL: 'warn' } });
  const browser = await launchChromium();
  try {
    const [alice, bob] = await Promise.all([chatUser(browser, t, 'alice'), chatUser(browser, t, 'bob')]);
    await befriendInUi(alice, bob);
    await alice.page.getByRole('button', { name: 'Message bob' }).click();
    await openConversationInUi(bob.page, 'alice');
    // The group exists and both devices are in it: what follows is the steady state of a conversation.
    await sendInUi(alice.page, 'warm-up');
    await expectMessages(bob.page, ['warm-up']);
    await sendInUi(bob.page, 'warm-up reply');
    await expectMessages(alice.page, ['warm-up', 'warm-up reply']);

    const before = await read(alice.page);
    const texts = ['warm-up', 'warm-up reply'];
    const started = performance.now();
    for (let i = 1; i <= n; i++) {
      await sendInUi(alice.page, `message ${i}`);
      texts.push(`message ${i}`);
    }
    const sendMs = performance.now() - started;
    await expectMessages(bob.page, texts, 30_000);
    // Bob's answer comes after every own echo in alice's ordered log: once it shows, they have all been decoded.
    await sendInUi(bob.page, 'done');
    await expectMessages(alice.page, [...texts, 'done'], 30_000);
    const after = await read(alice.page);
    const called = minus(after.called, before.called);
    const answered = minus(after.answered, before.answered);
    // Bob's "done" is one decode that is not alice's send.
    if (called.decode) called.decode -= 1;
    const total = (r: Record<string, number>) => Object.values(r).reduce((a, b) => a + b, 0);
    const perSend = (r: Record<string, number>) => Object.fromEntries(Object.entries(r).map(([k, v]) => [k, v / n]));
    const result = {
      messages: n,
      pageToWorkerPerSend: total(called) / n,
      workerToPagePerSend: total(answered) / n,
      calledPerSend: perSend(called),
      answeredPerSend: perSend(answered),
      meanSendMs: sendMs / n,
    };
    console.log(`page ↔ MLS worker per message sent (${n} messages, steady state):`);
    console.log(`  page → worker calls: ${result.pageToWorkerPerSend.toFixed(2)}  ${JSON.stringify(result.calledPerSend)}`);
    console.log(`  worker → page calls: ${result.workerToPagePerSend.toFixed(2)}  ${JSON.stringify(result.answeredPerSend)}`);
    console.log(`  mean time from Enter to acknowledged: ${result.meanSendMs.toFixed(1)} ms`);
    fs.mkdirSync('bench/results', { recursive: true });
    fs.writeFileSync('bench/results/worker-crossings.json', `${JSON.stringify(result, null, 2)}\n`);
  } finally {
    await browser.close();
    await t.close();
  }
}

await main();
