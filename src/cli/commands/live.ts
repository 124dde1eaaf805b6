/** tail: follow every conversation, or one, live (until Ctrl-C). */
import type { Command } from 'commander';
import type { CliContext, Opened } from '../context.js';
import { CliError, EXIT } from '../exit-codes.js';
import { colours as c, conversationName, formatMessage, line, messageJson } from '../output.js';
import { resolveConversation } from '../resolve.js';

/** Resolves at SIGINT or SIGTERM (or when the session ends), after which the caller closes and exits. */
export function untilStopped(opened: Opened): Promise<string> {
  return new Promise((resolve) => {
    process.once('SIGINT', () => resolve('interrupted'));
    process.once('SIGTERM', () => resolve('terminated'));
    opened.client.on('signedOut', (reason) => resolve(`signed out (${reason})`));
  });
}

export function liveCommands(program: Command, context: () => Promise<CliContext>): void {
  program
    .command('tail')
    .description('follow new messages live, in every conversation or one (Ctrl-C stops)')
    .argument('[with]', 'only this conversation: a user name, or #group')
    .option('--password-stdin', 'read the password from standard input (first line)')
    .option('--json', 'print one JSON object per line (NDJSON)')
    .action(async (target: string | undefined, opts: { passwordStdin?: boolean; json?: boolean }) => {
      const opened = await (await context()).withDevice(opts);
      const { client, profile } = opened;
      const only = target ? (await resolveConversation(client, target, { create: false })).id : undefined;
      const names = new Map<string, string>();
      const nameOf = async (id: string) => {
        if (!names.has(id)) names.set(id, conversationName(await client.conversations.get(id), profile.username));
        return names.get(id) ?? id;
      };
      // One at a time, in the order the client delivers them.
      let printing = Promise.resolve();
      client.on('message', (m) => {
        if (only && m.conversationId !== only) return;
        printing = printing.then(async () => {
          if (opts.json) line(JSON.stringify(messageJson(m)));
          else line(formatMessage(m, profile.username, only ? undefined : await nameOf(m.conversationId)));
        }).catch(() => undefined);
      });
      client.on('connectionChange', (up) => process.stderr.write(c.dim(up ? 'connected\n' : 'connection lost, reconnecting…\n')));
      process.stderr.write(c.dim(`Following ${only ? await nameOf(only) : 'every conversation'} as ${profile.username} (Ctrl-C to stop)\n`));
      const why = await untilStopped(opened);
      await printing;
      await opened.close();
      if (why.startsWith('signed out')) throw new CliError(EXIT.AUTH, `The session ended: ${why}.`);
    });
}
