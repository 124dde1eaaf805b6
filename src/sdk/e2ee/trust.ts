/**
 * What this device knows of contacts' identity keys (trust on first use, then explicit verification): the key first
 * seen for each user, whether the user marked it verified, and whether it has changed since. Kept in the SecretStore.
 */
import { z } from 'zod';
import type { SecretStore } from './store.js';

const TrustRecord = z.strictObject({
  identityKey: z.string(),
  verified: z.boolean(),
  /** The key changed after it was first seen: the user has not looked at the new one yet. */
  changed: z.boolean(),
  /** The previous key had been verified: the change deserves the stronger warning. */
  wasVerified: z.boolean(),
});
export type TrustRecord = z.infer<typeof TrustRecord>;

export interface IdentityChange {
  username: string;
  wasVerified: boolean;
}

export class Trust {
  constructor(
    private readonly store: SecretStore,
    private readonly me: string,
    private readonly onChange: (change: IdentityChange) => void,
  ) {}

  private key(username: string): string {
    return `${this.me}/trust/${username}`;
  }

  async get(username: string): Promise<TrustRecord | undefined> {
    const bytes = await this.store.get(this.key(username));
    if (!bytes) return undefined;
    const parsed = TrustRecord.safeParse(JSON.parse(new TextDecoder().decode(bytes)));
    return parsed.success ? parsed.data : undefined;
  }

  private async put(username: string, record: TrustRecord): Promise<void> {
    await this.store.write(new Map([[this.key(username), new TextEncoder().encode(JSON.stringify(record))]]));
  }

  /** The directory showed this key for the user: remember it the first time; flag (and report) a change. */
  async seen(username: string, identityKey: string): Promise<TrustRecord> {
    const known = await this.get(username);
    if (!known) {
      const first = { identityKey, verified: false, changed: false, wasVerified: false };
      await this.put(username, first);
      return first;
    }
    if (known.identityKey === identityKey) return known;
    const next = { identityKey, verified: false, changed: true, wasVerified: known.verified || known.wasVerified };
    await this.put(username, next);
    this.onChange({ username, wasVerified: next.wasVerified });
    return next;
  }

  /** The user compared safety numbers (or says they did not, `verified` false) for the key seen now. */
  async setVerified(username: string, identityKey: string, verified: boolean): Promise<TrustRecord> {
    const record = { identityKey, verified, changed: false, wasVerified: false };
    await this.put(username, record);
    return record;
  }
}

/** What the app shows on a contact's verification screen. */
export interface Verification {
  username: string;
  /** 60 digits, the same on both sides. */
  safetyNumber: string;
  /** What the QR code encodes (the other side compares it with its own). */
  qrPayload: string;
  verified: boolean;
  /** The contact's identity key changed since this device first saw it (and the new one is not verified yet). */
  keyChanged: boolean;
  /** ...and the old one had been verified: the stronger warning. */
  wasVerified: boolean;
}

export const QR_PREFIX = 'parley-safety-number:v1:';
