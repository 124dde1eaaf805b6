/** signup, login, logout, whoami. */
import type { Command } from 'commander';
import type { CliContext } from '../context.js';
import { colours as c, line, printJson } from '../output.js';
import { askNewPassword, askPassword } from '../prompt.js';

export function accountCommands(program: Command, context: () => Promise<CliContext>): void {
  program
    .command('signup')
    .description('create an account; this terminal becomes its first device')
    .argument('<username>', 'the name to sign up with')
    .option('--password-stdin', 'read the password from standard input (first line) instead of the terminal')
    .action(async (username: string, opts: { passwordStdin?: boolean }) => {
      const ctx = await context();
      const password = await askNewPassword(opts);
      const opened = await ctx.signIn('signup', username, password);
      const device = opened.client.encryption.deviceId();
      await opened.close();
      line(`Signed up as ${c.bold(opened.profile.username)} on ${opened.profile.server} (this device: ${device ?? '?'}).`);
    });

  program
    .command('login')
    .description('log in; this terminal keeps (or becomes) one device of the account')
    .argument('<username>', 'your user name')
    .option('--password-stdin', 'read the password from standard input (first line) instead of the terminal')
    .action(async (username: string, opts: { passwordStdin?: boolean }) => {
      const ctx = await context();
      const password = await askPassword(opts);
      const opened = await ctx.signIn('login', username, password);
      const device = opened.client.encryption.deviceId();
      await opened.close();
      line(`Logged in as ${c.bold(opened.profile.username)} on ${opened.profile.server} (this device: ${device ?? '?'}).`);
    });

  program
    .command('logout')
    .description("end this terminal's session on the server (the device's sealed keys stay, for the next login)")
    .action(async () => {
      const ctx = await context();
      const opened = await ctx.sessionOnly();
      await opened.client.logout();
      await opened.close();
      ctx.profiles.clear();
      line('Logged out.');
    });

  program
    .command('whoami')
    .description('show the signed-in account and session')
    .option('--json', 'print JSON')
    .action(async (opts: { json?: boolean }) => {
      const opened = await (await context()).sessionOnly();
      const me = await opened.client.me();
      await opened.close();
      if (opts.json) printJson({ server: opened.profile.server, user: me.user, session: me.session });
      else line(`${c.bold(me.user.username)} on ${opened.profile.server} (session ${me.session.id})`);
    });
}
