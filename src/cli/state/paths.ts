/**
 * Where the terminal client keeps its state: PARLEY_HOME, or `parley` under the user's config directory
 * (env-paths: $XDG_CONFIG_HOME on Linux, ~/Library/Preferences on macOS, %APPDATA% on Windows). Directories are
 * created 0700 and files written 0600, atomically (a temporary file renamed over the old one).
 */
import fs from 'node:fs';
import path from 'node:path';
import envPaths from 'env-paths';

export function parleyHome(env: NodeJS.ProcessEnv = process.env): string {
  const home = env.PARLEY_HOME;
  if (home) return path.resolve(home);
  return envPaths('parley', { suffix: '' }).config;
}

/** Creates the directory (and its parents) and makes sure it is 0700. */
export function ensurePrivateDir(dir: string): string {
  fs.mkdirSync(dir, { recursive: true, mode: 0o700 });
  fs.chmodSync(dir, 0o700);
  return dir;
}

/** Writes a file readable by its owner only (0600): to a temporary file first, then renamed into place. */
export function writePrivateFile(file: string, data: string | Uint8Array): void {
  ensurePrivateDir(path.dirname(file));
  const tmp = `${file}.${process.pid}.tmp`;
  const fd = fs.openSync(tmp, 'w', 0o600);
  try {
    fs.writeFileSync(fd, data);
    fs.fsyncSync(fd);
  } finally {
    fs.closeSync(fd);
  }
  fs.chmodSync(tmp, 0o600);
  fs.renameSync(tmp, file);
}

export function readFileIfExists(file: string): Buffer | undefined {
  try {
    return fs.readFileSync(file);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw err;
  }
}
