/**
 * Passwords: typed at the terminal without echo (@inquirer/password, its prompt on stderr so that stdout stays for
 * results), or read from standard input with --password-stdin (the first line). Never from an argument or the
 * environment, where other processes and shell histories could see it.
 */
import { CliError, EXIT } from './exit-codes.js';

export interface PasswordSource {
  passwordStdin?: boolean;
}

let stdinLines: Promise<string[]> | undefined;

function readStdinLines(): Promise<string[]> {
  stdinLines ??= (async () => {
    const chunks: Buffer[] = [];
    for await (const chunk of process.stdin) chunks.push(chunk as Buffer);
    return Buffer.concat(chunks).toString('utf8').split(/\r?\n/);
  })();
  return stdinLines;
}

/** The password: from stdin's lines in turn with --password-stdin, else from the terminal. */
export async function askPassword(source: PasswordSource, message = 'Password', line = 0): Promise<string> {
  if (source.passwordStdin) {
    const value = (await readStdinLines())[line] ?? '';
    if (!value) throw new CliError(EXIT.USAGE, 'No password on standard input.');
    return value;
  }
  if (!process.stdin.isTTY) {
    throw new CliError(EXIT.USAGE, 'No terminal to ask for the password: pass it on standard input with --password-stdin.');
  }
  try {
    const { default: password } = await import('@inquirer/password');
    return await password({ message, mask: false, toggleMask: false }, { output: process.stderr });
  } catch (err) {
    if (err instanceof Error && err.name === 'ExitPromptError') throw new CliError(EXIT.ERROR, 'Cancelled.');
    throw err;
  }
}

/** A new password, typed twice at the terminal (once on stdin). */
export async function askNewPassword(source: PasswordSource): Promise<string> {
  const first = await askPassword(source, 'Choose a password');
  if (source.passwordStdin) return first;
  const again = await askPassword(source, 'Type it again');
  if (again !== first) throw new CliError(EXIT.USAGE, 'The two passwords differ.');
  return first;
}
