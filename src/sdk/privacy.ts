/**
 * The user's privacy switches (read receipts, typing indicators, the default timer of new conversations), kept by the
 * server for all the user's devices: it is the server that relays read positions and typing, so it is the server that
 * withholds them. This client caches the last known settings (`current`) to skip sending typing when it is off.
 */
import type { PrivacySettingsDto } from '../protocol/privacy.js';
import type { Realtime } from './realtime.js';

export type PrivacySettings = PrivacySettingsDto;

export class Privacy {
  /** The settings as last fetched, set or told by another device (undefined before the first). */
  current: PrivacySettings | undefined;

  constructor(private readonly rt: Realtime) {}

  async get(): Promise<PrivacySettings> {
    this.current = (await this.rt.request('privacy:get', {})).privacy;
    return this.current;
  }

  /** Changes some settings (the others stay); resolves with all of them. */
  async set(change: Partial<PrivacySettings>): Promise<PrivacySettings> {
    this.current = (await this.rt.request('privacy:set', change)).privacy;
    return this.current;
  }

  /** Another device of the user changed them. */
  told(settings: PrivacySettings): void {
    this.current = settings;
  }
}
