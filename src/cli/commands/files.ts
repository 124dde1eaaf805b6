/** Files: what `send --file` attaches, and `download`, which saves a message's file decrypted on this device. */
import fs from 'node:fs';
import path from 'node:path';
import { pipeline } from 'node:stream/promises';
import { Readable } from 'node:stream';
import mime from 'mime';
import type { Command } from 'commander';
import type { AttachmentInput, Message } from '../../sdk/index.js';
import { positiveInt } from '../args.js';
import type { CliContext } from '../context.js';
import { CliError, EXIT } from '../exit-codes.js';
import { colours as c, line, printJson, safe } from '../output.js';
import { resolveConversation } from '../resolve.js';

/**
 * A file on disk as an attachment: streamed (never read whole), its type guessed from its name. Its name travels only
 * inside the end-to-end encrypted message.
 */
export async function attachmentFrom(file: string): Promise<AttachmentInput> {
  let stat: fs.Stats;
  try {
    stat = await fs.promises.stat(file);
  } catch {
    throw new CliError(EXIT.NOT_FOUND, `No file at ${file}.`);
  }
  if (!stat.isFile()) throw new CliError(EXIT.USAGE, `${file} is not a file.`);
  return {
    name: path.basename(file),
    type: mime.getType(file) ?? 'application/octet-stream',
    size: stat.size,
    data: fs.createReadStream(file) as AsyncIterable<Uint8Array>,
  };
}

/** One line per file of a message, for people, with how to save it (names are someone else's text: made safe). */
export function describeFiles(m: Message): string[] {
  return m.attachments.map((a, i) => `  ${c.dim(`#${m.seq} file ${i + 1}:`)} ${safe(a.name)} ${c.dim(`(${safe(a.type)}, ${size(a.size)}; parley download … ${m.seq} --file ${i + 1})`)}`);
}

function size(bytes: number): string {
  if (bytes < 1024) return `${bytes} B`;
  if (bytes < 1024 * 1024) return `${(bytes / 1024).toFixed(1)} KiB`;
  return `${(bytes / 1024 / 1024).toFixed(1)} MiB`;
}

interface DownloadOptions {
  file: number;
  out?: string;
  passwordStdin?: boolean;
  json?: boolean;
}

export function fileCommands(program: Command, context: () => Promise<CliContext>): void {
  program
    .command('download')
    .description("save a message's file, downloaded and decrypted on this device (its hash checked)")
    .argument('<with>', 'a user name, or #group')
    .argument('<seq>', 'the message number (as `read` shows it: #seq)', positiveInt)
    .option('--file <n>', 'which file of the message, from 1', positiveInt, 1)
    .option('-o, --out <path>', "where to save it (default: the file's own name in the current directory; never overwritten)")
    .option('--password-stdin', 'read the password from standard input (first line)')
    .option('--json', 'print JSON: the saved path, name, type and size')
    .action(async (target: string, seq: number, opts: DownloadOptions) => {
      const opened = await (await context()).withDevice(opts);
      try {
        const conversation = await resolveConversation(opened.client, target, { create: false });
        const page = await opened.client.messages.page(conversation.id, { before: seq + 1, limit: 1 });
        const message = page.messages.find((m) => m.seq === seq);
        if (!message) throw new CliError(EXIT.NOT_FOUND, `No message #${seq} in that conversation.`);
        const index = opts.file - 1;
        const attachment = message.attachments[index];
        if (!attachment) throw new CliError(EXIT.NOT_FOUND, `Message #${seq} has no file ${opts.file}.`);
        // The name is the sender's text: only its last path part, and never a hidden or empty name.
        const own = path.basename(attachment.name).replace(/^\.+/, '') || 'download';
        const out = opts.out ?? own;
        const stream = Readable.from(opened.client.attachments.stream(message, index));
        try {
          await pipeline(stream, fs.createWriteStream(out, { flags: 'wx' }));
        } catch (err) {
          if ((err as NodeJS.ErrnoException).code === 'EEXIST') throw new CliError(EXIT.REFUSED, `${out} exists already; choose another path with --out.`);
          // A download that failed (a dropped connection, a hash that does not match) leaves no partial file behind.
          await fs.promises.rm(out, { force: true });
          throw err;
        }
        if (opts.json) printJson({ path: out, name: attachment.name, type: attachment.type, size: attachment.size });
        else line(`${c.green('✓')} saved ${safe(out)} (${size(attachment.size)})`);
      } finally {
        await opened.close();
      }
    });
}
