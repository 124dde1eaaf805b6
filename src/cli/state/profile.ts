/**
 * The signed-in account: the server, the user name and the session token (a bearer credential, like the browser's
 * HttpOnly cookie), in `PARLEY_HOME/profile.json` (0600). The device's sealed state sits beside it, per account, in
 * `PARLEY_HOME/accounts/<user>@<host>/`.
 */
import fs from 'node:fs';
import path from 'node:path';
import { z } from 'zod';
import { ensurePrivateDir, readFileIfExists, writePrivateFile } from './paths.js';

const Profile = z.object({
  server: z.string().url(),
  username: z.string().min(1),
  session: z.string().min(1).optional(),
  /** This terminal's device id (set once its keys are open), to mark it in `parley devices`. */
  deviceId: z.string().optional(),
});
export type Profile = z.infer<typeof Profile>;

export class ProfileFile {
  constructor(readonly home: string) {}

  private get file(): string {
    return path.join(this.home, 'profile.json');
  }

  load(): Profile | undefined {
    const raw = readFileIfExists(this.file);
    if (!raw) return undefined;
    const parsed = Profile.safeParse(JSON.parse(raw.toString('utf8')));
    return parsed.success ? parsed.data : undefined;
  }

  save(profile: Profile): void {
    ensurePrivateDir(this.home);
    writePrivateFile(this.file, JSON.stringify(profile, null, 2) + '\n');
  }

  clear(): void {
    fs.rmSync(this.file, { force: true });
  }

  /** The directory of one account's device state (0700). */
  accountDir(server: string, username: string): string {
    const host = new URL(server).host.replace(/[^A-Za-z0-9.-]/g, '_');
    return ensurePrivateDir(path.join(ensurePrivateDir(path.join(this.home, 'accounts')), `${username.toLowerCase()}@${host}`));
  }
}
