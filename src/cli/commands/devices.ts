/** devices (yours or a contact's), safety (the safety number with a contact). */
import type { Command } from 'commander';
import { formatSafetyNumber } from '../../sdk/e2ee/safety.js';
import type { CliContext } from '../context.js';
import { colours as c, line, printJson, time } from '../output.js';

export function deviceCommands(program: Command, context: () => Promise<CliContext>): void {
  program
    .command('devices')
    .description("your devices (removed ones too), or a contact's current ones")
    .argument('[username]', "a contact's name (default: yours)")
    .option('--json', 'print JSON')
    .action(async (username: string | undefined, opts: { json?: boolean }) => {
      const opened = await (await context()).sessionOnly();
      const devices = await opened.client.devices.list(username);
      await opened.close();
      const mine = username === undefined ? opened.profile.deviceId : undefined;
      if (opts.json) {
        printJson(devices.map(({ certificate: _c, ...d }) => ({ ...d, thisDevice: d.deviceId === mine })));
        return;
      }
      for (const d of devices) {
        const state = d.revokedAt ? c.red(`removed ${time(d.revokedAt)}`) : c.green('active');
        line(`${c.bold(d.deviceId)}  ${state}  ${c.dim(`since ${time(d.createdAt)}`)}${d.deviceId === mine ? c.cyan('  (this terminal)') : ''}`);
      }
    });

  program
    .command('safety')
    .description('the safety number with a contact: compare it with theirs (in person, or on a call) to rule out a lying server')
    .argument('<username>', 'the contact')
    .option('--mark-verified', 'after comparing: remember their current key as verified')
    .option('--password-stdin', 'read the password from standard input (first line)')
    .option('--json', 'print JSON')
    .action(async (username: string, opts: { markVerified?: boolean; passwordStdin?: boolean; json?: boolean }) => {
      const opened = await (await context()).withDevice(opts);
      try {
        const v = opts.markVerified
          ? await opened.client.verification.setVerified(username, true)
          : await opened.client.verification.get(username);
        if (opts.json) {
          printJson(v);
          return;
        }
        line(`Safety number with ${c.bold(v.username)}:`);
        const groups = formatSafetyNumber(v.safetyNumber);
        for (let i = 0; i < groups.length; i += 4) line(`  ${groups.slice(i, i + 4).join(' ')}`);
        if (v.keyChanged) line(c.red(v.wasVerified ? 'Their key CHANGED since you verified it: compare again before trusting.' : 'Their key changed.'));
        line(v.verified ? c.green('✓ verified') : c.dim('not verified: compare, then run again with --mark-verified'));
      } finally {
        await opened.close();
      }
    });
}
