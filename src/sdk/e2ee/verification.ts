/** Safety numbers and verification of a contact, from the directory's identity keys and this device's trust records. */
import { base64UrlToBytes } from '../encoding.js';
import { ParleyError } from '../errors.js';
import type { ServerDirectory } from './directory.js';
import { safetyNumber } from './safety.js';
import { QR_PREFIX, type Trust, type TrustRecord, type Verification } from './trust.js';

export class Verifier {
  constructor(
    private readonly directory: ServerDirectory,
    private readonly trust: Trust,
    private readonly me: string,
  ) {}

  private async keys(username: string): Promise<{ mine: string; theirs: string }> {
    const [mine, theirs] = await Promise.all([this.directory.lookup(this.me, true), this.directory.lookup(username, true)]);
    if (!mine || !theirs) throw new ParleyError('NOT_FOUND', `${username} has not set up end-to-end encryption yet.`);
    return { mine: mine.identity.identityKey, theirs: theirs.identity.identityKey };
  }

  private view(username: string, keys: { mine: string; theirs: string }, record: TrustRecord): Verification {
    const digits = safetyNumber(
      { username: this.me, identityKey: base64UrlToBytes(keys.mine) },
      { username, identityKey: base64UrlToBytes(keys.theirs) },
    );
    return {
      username,
      safetyNumber: digits,
      qrPayload: `${QR_PREFIX}${digits}`,
      verified: record.verified,
      keyChanged: record.changed,
      wasVerified: record.wasVerified,
    };
  }

  async verification(username: string): Promise<Verification> {
    const keys = await this.keys(username);
    return this.view(username, keys, await this.trust.seen(username, keys.theirs));
  }

  async setVerified(username: string, verified: boolean): Promise<Verification> {
    const keys = await this.keys(username);
    await this.trust.seen(username, keys.theirs);
    return this.view(username, keys, await this.trust.setVerified(username, keys.theirs, verified));
  }
}
