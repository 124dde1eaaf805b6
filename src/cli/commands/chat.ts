/**
 * chat: an interactive conversation. The history scrolls above a prompt; a typed line is sent (end-to-end encrypted);
 * others' messages appear as they arrive and are marked read; "bob is typing…" and read receipts show as dim lines.
 * /quit (or Ctrl-C, Ctrl-D) leaves.
 */
import readline from 'node:readline';
import type { Command } from 'commander';
import type { CliContext } from '../context.js';
import { colours as c, conversationName, formatMessage, safe } from '../output.js';
import { resolveConversation } from '../resolve.js';
import { untilStopped } from './live.js';
import { positiveInt } from '../args.js';

const TYPING_EVERY_MS = 2_000;
const TYPING_SHOWN_MS = 4_000;

export function chatCommand(program: Command, context: () => Promise<CliContext>): void {
  program
    .command('chat')
    .description('chat interactively with a user or a group: type a line to send it, /quit to leave')
    .argument('<with>', 'a user name, or #group')
    .option('-n, --history <n>', 'how many earlier messages to show', positiveInt, 20)
    .action(async (target: string, opts: { history: number }) => {
      const opened = await (await context()).withDevice({});
      const { client, profile } = opened;
      const me = profile.username;
      const conversation = await resolveConversation(client, target, { create: true });
      const id = conversation.id;
      const rl = readline.createInterface({ input: process.stdin, output: process.stdout, prompt: c.bold('> '), terminal: true });
      /** Prints above the prompt, keeping what is being typed. */
      const show = (text: string) => {
        readline.clearLine(process.stdout, 0);
        readline.cursorTo(process.stdout, 0);
        process.stdout.write(text + '\n');
        rl.prompt(true);
      };

      show(c.dim(`Chat with ${conversationName(conversation, me)}, end-to-end encrypted. /quit to leave.`));
      for (const m of await client.messages.history(id, { limit: Math.min(100, opts.history) })) show(formatMessage(m, me));
      let newest = conversation.lastSeq;
      const markRead = (seq: number) => void client.messages.markRead(id, seq).catch(() => undefined);
      if (newest > conversation.readSeq) markRead(newest);

      client.on('message', (m) => {
        if (m.conversationId !== id) return;
        show(formatMessage(m, me));
        newest = Math.max(newest, m.seq);
        if (m.sender !== me) markRead(m.seq);
      });
      const typingShown = new Map<string, number>();
      client.on('typing', (t) => {
        if (t.conversationId !== id || t.username === me) return;
        const now = Date.now();
        if ((typingShown.get(t.username) ?? 0) > now) return;
        typingShown.set(t.username, now + TYPING_SHOWN_MS);
        show(c.dim(`${safe(t.username)} is typing…`));
      });
      const seen = new Map<string, number>();
      client.on('read', (r) => {
        if (r.conversationId !== id || r.username === me || (seen.get(r.username) ?? 0) >= r.seq) return;
        seen.set(r.username, r.seq);
        show(c.dim(`✓ read by ${safe(r.username)} (up to #${r.seq})`));
      });
      client.on('connectionChange', (up) => show(c.dim(up ? 'connected' : 'connection lost, reconnecting…')));

      let lastTyping = 0;
      process.stdin.on('keypress', () => {
        const now = Date.now();
        if (now - lastTyping < TYPING_EVERY_MS) return;
        lastTyping = now;
        void client.conversations.typing(id).catch(() => undefined);
      });

      const done = new Promise<string>((resolve) => {
        rl.on('line', (input) => {
          const text = input.trim();
          if (text === '/quit' || text === '/exit') return resolve('quit');
          if (text) {
            // The typed line gives way to the message as stored (with its time), shown by the message event.
            readline.moveCursor(process.stdout, 0, -1);
            readline.clearLine(process.stdout, 0);
            const { stored } = client.engine.send(id, text);
            stored.catch((err: unknown) => show(c.red(`not sent: ${err instanceof Error ? err.message : String(err)}`)));
          }
          rl.prompt();
        });
        rl.on('close', () => resolve('closed'));
        rl.on('SIGINT', () => resolve('interrupted'));
      });
      rl.prompt();
      await Promise.race([done, untilStopped(opened)]);
      rl.close();
      await opened.close();
    });
}
