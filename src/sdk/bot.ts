import type { ParleyClient } from './client.js';
import type { Message } from './message-stream.js';

/** What a bot's handler gets for one message. */
export interface BotContext {
  message: Message;
  conversationId: string;
  sender: string;
  text: string;
  /** Sends `text` to the same conversation (end to end encrypted like any message); resolves once stored. */
  reply(text: string): Promise<Message>;
}

/** A command's context: `/remind 10 tea time` → name `remind`, args `['10', 'tea', 'time']`, rest `'10 tea time'`. */
export interface CommandContext extends BotContext {
  name: string;
  args: string[];
  rest: string;
}

export interface BotOptions {
  /** What starts a command (default `/`). */
  prefix?: string;
  /** Accept every contact request as it arrives (default false): a bot people can add to their groups. */
  acceptContacts?: boolean;
  /** A handler that threw or rejected (default: ignored). The bot keeps running. */
  onError?: (error: unknown, message: Message) => void;
}

type Handler<C> = (ctx: C) => unknown;

/** Splits a command line into words; double or single quotes keep spaces: `say "hello world"` → ['say', 'hello world']. */
export function splitArgs(line: string): string[] {
  const words: string[] = [];
  for (const match of line.matchAll(/"([^"]*)"|'([^']*)'|(\S+)/g)) words.push(match[1] ?? match[2] ?? match[3] ?? '');
  return words;
}

/**
 * A bot on the SDK: an ordinary account with one device, reading only the conversations it is a member of, end to
 * end (it decrypts with its own MLS keys like any client). Handlers see every readable message from others once, in
 * order per conversation; its own messages, deleted ones and those it could not decrypt are skipped.
 *
 * ```ts
 * const bot = new Bot(client, { acceptContacts: true });
 * bot.command('echo', (c) => c.reply(c.rest));
 * bot.onMessage((c) => console.log(c.sender, c.text));
 * bot.start();
 * ```
 */
export class Bot {
  private readonly commands = new Map<string, Handler<CommandContext>>();
  private readonly listeners = new Set<Handler<BotContext>>();
  private readonly unsubscribe: (() => void)[] = [];
  private readonly prefix: string;

  constructor(
    readonly client: ParleyClient,
    private readonly options: BotOptions = {},
  ) {
    this.prefix = options.prefix ?? '/';
  }

  /** Every readable message from someone else (commands included). Returns a function that removes the handler. */
  onMessage(handler: Handler<BotContext>): () => void {
    this.listeners.add(handler);
    return () => this.listeners.delete(handler);
  }

  /** A command: a message that starts with the prefix and `name` (letter case ignored). */
  command(name: string, handler: Handler<CommandContext>): this {
    this.commands.set(name.toLowerCase(), handler);
    return this;
  }

  /** The registered command names, e.g. for a help text. */
  commandNames(): string[] {
    return [...this.commands.keys()];
  }

  /** Starts listening (the client must be signed in; call `client.connect()` before or after). */
  start(): void {
    if (this.unsubscribe.length > 0) return;
    this.unsubscribe.push(this.client.on('message', (m) => void this.handle(m)));
    if (this.options.acceptContacts) {
      this.unsubscribe.push(
        this.client.on('contact', (c) => {
          if (c.state === 'incoming') this.client.contacts.accept(c.username).catch(() => undefined);
        }),
      );
    }
  }

  stop(): void {
    for (const off of this.unsubscribe.splice(0)) off();
  }

  private async handle(message: Message): Promise<void> {
    if (message.sender === this.client.user?.username || message.deleted || message.decryptionError !== null) return;
    const context: BotContext = {
      message,
      conversationId: message.conversationId,
      sender: message.sender,
      text: message.text,
      reply: (text) => this.client.messages.send(message.conversationId, text),
    };
    const run = async (handler: () => unknown) => {
      try {
        await handler();
      } catch (err) {
        this.options.onError?.(err, message);
      }
    };
    for (const listener of this.listeners) await run(() => listener(context));
    if (!message.text.startsWith(this.prefix)) return;
    const line = message.text.slice(this.prefix.length);
    const [name = '', ...args] = splitArgs(line);
    const handler = this.commands.get(name.toLowerCase());
    if (!handler) return;
    const rest = line.trimStart().slice(name.length).trim();
    await run(() => handler({ ...context, name: name.toLowerCase(), args, rest }));
  }
}
