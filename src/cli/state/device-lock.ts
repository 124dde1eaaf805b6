/**
 * One parley process at a time per device: two processes holding the same MLS state in memory would each write their
 * own copy back (one's ratchet steps lost, keys used twice). `device.lock` (0600, created exclusively) holds the
 * holder's pid; a lock whose process is gone is taken over.
 */
import fs from 'node:fs';
import path from 'node:path';
import { CliError, EXIT } from '../exit-codes.js';

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}

export function lockDevice(dir: string): () => void {
  const file = path.join(dir, 'device.lock');
  for (let attempt = 0; attempt < 2; attempt++) {
    try {
      const fd = fs.openSync(file, 'wx', 0o600);
      fs.writeSync(fd, String(process.pid));
      fs.closeSync(fd);
      const release = () => {
        process.off('exit', release);
        try {
          if (fs.readFileSync(file, 'utf8') === String(process.pid)) fs.unlinkSync(file);
        } catch {
          // already gone
        }
      };
      process.on('exit', release);
      return release;
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
      const holder = Number(fs.readFileSync(file, 'utf8'));
      if (Number.isInteger(holder) && holder > 0 && alive(holder)) {
        throw new CliError(EXIT.BUSY, `This device is in use by another parley process (pid ${holder}): stop it first, or use \`parley chat\` to send while following.`);
      }
      fs.rmSync(file, { force: true });
    }
  }
  throw new CliError(EXIT.BUSY, 'Could not lock this device.');
}
