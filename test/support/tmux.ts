/**
 * A real terminal for tests: tmux (/usr/bin/tmux) on its own server socket, one window per program. Tests type with
 * `type`, read the screen with `screen`, and wait for what the program prints with `waitFor`.
 */
import { execFileSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';

export const TMUX = '/usr/bin/tmux';

export class Tmux {
  readonly socket = `parley-test-${randomBytes(6).toString('hex')}`;

  private tmux(...args: string[]): string {
    return execFileSync(TMUX, ['-L', this.socket, ...args], { encoding: 'utf8' });
  }

  /** Runs `command` (a shell line) in a new 160×50 window `name`; it prints `[exit N]` when done and stays open. */
  start(name: string, command: string, env: Record<string, string>, cwd: string): void {
    const envArgs = Object.entries(env).flatMap(([k, v]) => ['-e', `${k}=${v}`]);
    const line = `${command}; echo "[exit $?]"; sleep 3600`;
    this.tmux('new-session', '-d', '-s', name, '-x', '160', '-y', '50', '-c', cwd, ...envArgs, line);
  }

  /** Types text (literally), then Enter unless told not to. */
  type(name: string, text: string, enter = true): void {
    this.tmux('send-keys', '-t', name, '-l', text);
    if (enter) this.tmux('send-keys', '-t', name, 'Enter');
  }

  key(name: string, key: string): void {
    this.tmux('send-keys', '-t', name, key);
  }

  /** What the window shows, with its scroll-back. */
  screen(name: string): string {
    return this.tmux('capture-pane', '-p', '-J', '-S', '-500', '-t', name);
  }

  async waitFor(name: string, what: string | RegExp, timeoutMs = 20_000): Promise<string> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const screen = this.screen(name);
      if (typeof what === 'string' ? screen.includes(what) : what.test(screen)) return screen;
      if (Date.now() > deadline) throw new Error(`timed out waiting for ${String(what)} in window ${name}:\n${screen}`);
      await new Promise((r) => setTimeout(r, 100));
    }
  }

  /** Ends the tmux server (and so every program in its windows). */
  close(): void {
    try {
      this.tmux('kill-server');
    } catch {
      // already gone
    }
  }
}
