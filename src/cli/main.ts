/**
 * `parley`, the terminal client: one more device of the user, on the SDK, end-to-end encrypted like the web app.
 * Parsing with commander; every failure ends with a message on stderr and an exit code from exit-codes.ts.
 */
import { Command, CommanderError } from 'commander';
import { ParleyError } from '../sdk/errors.js';
import { accountCommands } from './commands/account.js';
import { chatCommand } from './commands/chat.js';
import { contactCommands } from './commands/contacts.js';
import { deviceCommands } from './commands/devices.js';
import { liveCommands } from './commands/live.js';
import { fileCommands } from './commands/files.js';
import { messageCommands } from './commands/messages.js';
import type { CliContext } from './context.js';
import { CliError, EXIT, exitCodeOf } from './exit-codes.js';
import { colours as c } from './output.js';

const EXIT_HELP = `
Exit codes:
  0  ok
  1  other error
  2  usage: bad command line
  3  auth: not signed in, wrong password, session ended, account suspended
  4  not found: no such user, group, conversation or request
  5  network: the server could not be reached
  6  refused: not a contact, blocked, forbidden, name taken, weak password
  7  rate limited: try again later
  8  busy: this device is in use by another parley process (e.g. a running tail)

Passwords are typed without echo, or read from standard input with --password-stdin; never from an argument.

Environment:
  PARLEY_SERVER  the server (default http://localhost:5000, or the one you logged in to)
  PARLEY_HOME    where this device's state is kept (default: parley under your config directory)
  NO_COLOR       no colours`;

export function buildProgram(): Command {
  const program = new Command('parley')
    .description('Parley from the terminal: end-to-end encrypted chat; this terminal is one of your devices.')
    .version('0.1.0')
    .option('--server <url>', 'the Parley server (or PARLEY_SERVER)')
    .option('--no-color', 'no colours (also NO_COLOR)')
    .showHelpAfterError('(add --help for usage)')
    .addHelpText('after', EXIT_HELP)
    .exitOverride()
    .configureOutput({ writeErr: (s) => process.stderr.write(s) });
  // The SDK is loaded only when a command runs: --help and usage errors answer at once.
  const context = async (): Promise<CliContext> => new (await import('./context.js')).CliContext(program.opts<{ server?: string }>());
  accountCommands(program, context);
  contactCommands(program, context);
  messageCommands(program, context);
  fileCommands(program, context);
  liveCommands(program, context);
  chatCommand(program, context);
  deviceCommands(program, context);
  for (const command of program.commands) {
    command.exitOverride();
    for (const sub of command.commands) sub.exitOverride();
  }
  return program;
}

/** Runs the command line and returns the exit code. */
export async function run(argv: string[]): Promise<number> {
  const program = buildProgram();
  try {
    await program.parseAsync(argv);
    return EXIT.OK;
  } catch (err) {
    if (err instanceof CommanderError) {
      if (err.code === 'commander.helpDisplayed' || err.code === 'commander.version' || err.code === 'commander.help') return EXIT.OK;
      return err.exitCode === 0 ? EXIT.OK : EXIT.USAGE;
    }
    const code = exitCodeOf(err);
    const message = err instanceof CliError || err instanceof ParleyError ? err.message : err instanceof Error ? err.message : String(err);
    const label = err instanceof ParleyError ? ` (${err.code})` : '';
    process.stderr.write(`${c.red('parley:')} ${message}${label}\n`);
    if (code === EXIT.ERROR && !(err instanceof CliError) && !(err instanceof ParleyError) && err instanceof Error && err.stack) {
      process.stderr.write(c.dim(err.stack) + '\n');
    }
    return code;
  }
}

// Exits explicitly: a reconnecting socket or a pending timer must not keep a finished command alive.
const code = await run(process.argv);
process.exit(code);
