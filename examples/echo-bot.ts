/**
 * An example Parley bot: echo and reminders, end to end encrypted like any client.
 *
 *   PARLEY_SERVER=http://localhost:5000 BOT_NAME=echobot BOT_PASSWORD='…' npx tsx examples/echo-bot.ts
 *
 * Add it as a contact (it accepts at once), put it in a group, then type `/help`, `/echo some words` or
 * `/remind 60 stretch your legs`. The first run signs the account up; later runs log in. Its device lives in memory
 * (a MemoryStore): each start is a new device, which reads what is sent from then on.
 */
import { pathToFileURL } from 'node:url';
import { Bot, ParleyClient, ParleyError } from '../src/sdk/index.js';

/** The longest reminder, in seconds (one day). */
const MAX_REMIND_S = 86_400;

/** Registers the echo bot's commands on a signed-in client and starts listening. */
export function startEchoBot(client: ParleyClient): Bot {
  const timers = new Set<NodeJS.Timeout>();
  const bot = new Bot(client, { acceptContacts: true, onError: (err) => console.error('handler failed:', err) });
  bot.command('help', (c) => c.reply(`Commands: ${bot.commandNames().map((n) => `/${n}`).join(', ')}. Try /echo hi or /remind 10 tea.`));
  bot.command('echo', (c) => (c.rest ? c.reply(c.rest) : c.reply('Usage: /echo <text>')));
  bot.command('remind', (c) => {
    const [seconds, ...words] = c.args;
    const delay = Number(seconds);
    if (!Number.isFinite(delay) || delay < 0 || delay > MAX_REMIND_S || words.length === 0) {
      return c.reply(`Usage: /remind <seconds, at most ${MAX_REMIND_S}> <text>`);
    }
    const timer = setTimeout(() => {
      timers.delete(timer);
      c.reply(`⏰ ${c.sender}: ${words.join(' ')}`).catch((err: unknown) => console.error('reminder failed:', err));
    }, delay * 1000);
    timers.add(timer);
    return c.reply(`I will remind you in ${delay} s.`);
  });
  const stop = bot.stop.bind(bot);
  bot.stop = () => {
    for (const t of timers) clearTimeout(t);
    stop();
  };
  bot.start();
  return bot;
}

async function main(): Promise<void> {
  const { PARLEY_SERVER = 'http://localhost:5000', BOT_NAME = 'echobot', BOT_PASSWORD } = process.env;
  if (!BOT_PASSWORD) throw new Error('Set BOT_PASSWORD (the bot account\'s password; at least 10 characters, not guessable).');
  const client = new ParleyClient({ baseUrl: PARLEY_SERVER });
  try {
    await client.login(BOT_NAME, BOT_PASSWORD);
  } catch (err) {
    if (!(err instanceof ParleyError) || err.code !== 'INVALID_CREDENTIALS') throw err;
    await client.signup(BOT_NAME, BOT_PASSWORD);
  }
  await client.connect();
  const bot = startEchoBot(client);
  console.log(`${BOT_NAME} is listening on ${PARLEY_SERVER}`);
  const quit = () => {
    bot.stop();
    client.close();
    process.exit(0);
  };
  process.once('SIGINT', quit);
  process.once('SIGTERM', quit);
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  main().catch((err: unknown) => {
    console.error(err instanceof Error ? err.message : err);
    process.exit(1);
  });
}
