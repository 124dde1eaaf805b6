/** send, read, search: commands on this device's end-to-end encrypted state (they ask for the password). */
import type { Command } from 'commander';
import type { Message } from '../../sdk/index.js';
import { collect, positiveInt } from '../args.js';
import type { CliContext } from '../context.js';
import { attachmentFrom, describeFiles } from './files.js';
import { CliError, EXIT } from '../exit-codes.js';
import { colours as c, conversationName, formatMessage, line, messageJson, printJson, safe } from '../output.js';
import { resolveConversation } from '../resolve.js';


interface DeviceOptions {
  passwordStdin?: boolean;
  json?: boolean;
}

export function messageCommands(program: Command, context: () => Promise<CliContext>): void {
  program
    .command('send')
    .description('send a message, end-to-end encrypted, to a user (their direct conversation) or a group (#name)')
    .argument('<to>', 'a user name, or #group (a group name or id)')
    .argument('[text...]', 'the message (several words are joined with spaces; "-" reads it from standard input)')
    .option('-f, --file <path>', 'attach a file, encrypted on this device (repeat for several)', collect, [])
    .option('--password-stdin', 'read the password from standard input (first line)')
    .option('--json', 'print the stored message as JSON')
    .action(async (to: string, words: string[], opts: DeviceOptions & { file: string[] }) => {
      const text = words.join(' ');
      if (text === '-' && opts.passwordStdin) throw new CliError(EXIT.USAGE, 'Standard input cannot carry both the password and the message.');
      const body = text === '-' ? await readAll() : text;
      if (!body.trim() && opts.file.length === 0) throw new CliError(EXIT.USAGE, 'Nothing to send.');
      const attachments = await Promise.all(opts.file.map(attachmentFrom));
      const opened = await (await context()).withDevice(opts);
      try {
        const conversation = await resolveConversation(opened.client, to, { create: true });
        const sent = await opened.client.messages.send(conversation.id, attachments.length > 0 ? { text: body, attachments } : body);
        if (opts.json) printJson(messageJson(sent));
        else line(`${c.green('✓')} sent to ${conversationName(conversation, opened.profile.username)} (#${sent.seq})`);
      } finally {
        await opened.close();
      }
    });

  program
    .command('read')
    .description('show the latest messages of a conversation, decrypted on this device, and mark them read')
    .argument('<with>', 'a user name, or #group')
    .option('-n, --limit <n>', 'how many messages', positiveInt, 20)
    .option('--no-mark-read', 'leave them unread')
    .option('--password-stdin', 'read the password from standard input (first line)')
    .option('--json', 'print JSON: an array of messages, oldest first')
    .action(async (target: string, opts: DeviceOptions & { limit: number; markRead: boolean }) => {
      const opened = await (await context()).withDevice(opts);
      try {
        const conversation = await resolveConversation(opened.client, target, { create: false });
        const messages = await latest(opened.client.messages, conversation.id, opts.limit);
        const last = messages.at(-1);
        if (opts.markRead && last && last.seq > conversation.readSeq) await opened.client.messages.markRead(conversation.id, last.seq);
        if (opts.json) printJson(messages.map(messageJson));
        else if (messages.length === 0) line(c.dim('No messages yet.'));
        else {
          for (const m of messages) {
            line(formatMessage(m, opened.profile.username));
            describeFiles(m).forEach((f) => line(f));
          }
        }
      } finally {
        await opened.close();
      }
    });

  program
    .command('search')
    .description("search the messages this device can read, in its local index (the server never sees the query)")
    .argument('<words...>', 'every word must match; prefixes and small typos are forgiven')
    .option('--in <conversation>', 'only this conversation (a user name or #group)')
    .option('--from <user>', "only this user's messages")
    .option('-n, --limit <n>', 'at most this many results', positiveInt, 20)
    .option('--password-stdin', 'read the password from standard input (first line)')
    .option('--json', 'print JSON')
    .action(async (words: string[], opts: DeviceOptions & { in?: string; from?: string; limit: number }) => {
      const opened = await (await context()).withDevice(opts);
      try {
        const { client } = opened;
        const conversationId = opts.in ? (await resolveConversation(client, opts.in, { create: false })).id : undefined;
        if (!opts.json) process.stderr.write(c.dim('Indexing what this device can read…\n'));
        await client.searchIndex.backfilled();
        const hits = await client.search(words.join(' '), {
          limit: opts.limit,
          ...(conversationId ? { conversationId } : {}),
          ...(opts.from ? { sender: opts.from } : {}),
        });
        if (opts.json) {
          printJson(hits.map((h) => ({ message: messageJson(h.message), score: h.score, snippet: h.snippet })));
          return;
        }
        if (hits.length === 0) line(c.dim('No match.'));
        const names = new Map((await client.conversations.list()).map((x) => [x.id, conversationName(x, opened.profile.username)]));
        for (const h of hits) {
          let text = '';
          let at = 0;
          for (const [start, end] of h.snippet.ranges) {
            text += safe(h.snippet.text.slice(at, start)) + c.bold(c.yellow(safe(h.snippet.text.slice(start, end))));
            at = end;
          }
          text += safe(h.snippet.text.slice(at));
          line(`${formatMessage({ ...h.message, text: '' }, opened.profile.username, names.get(h.message.conversationId)).trimEnd()} ${text}`);
        }
      } finally {
        await opened.close();
      }
    });
}

/** The newest `limit` messages, oldest first (pages of at most 100). */
async function latest(messages: { page(id: string, o: { before?: number; limit?: number }): Promise<{ messages: Message[]; hasMore: boolean }> }, id: string, limit: number): Promise<Message[]> {
  const out: Message[] = [];
  let before: number | undefined;
  while (out.length < limit) {
    const page = await messages.page(id, { limit: Math.min(100, limit - out.length), ...(before === undefined ? {} : { before }) });
    out.unshift(...page.messages);
    const first = page.messages[0];
    if (!page.hasMore || !first) break;
    before = first.seq;
  }
  return out.slice(-limit);
}

async function readAll(): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of process.stdin) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString('utf8').replace(/\n$/, '');
}
