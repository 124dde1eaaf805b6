/** The server's directory as the authentication service sees it: identity keys and device certificates. */
import { ParleyError } from '../errors.js';
import type { Requester } from './api.js';
import { base64UrlToBytes } from '../encoding.js';
import { decodeDeviceCertificate, type DeviceCertificate, type DeviceDirectory } from '../crypto/index.js';
import type { DirectoryEntry } from '../../protocol/e2e.js';

const TTL_MS = 5_000;

export class ServerDirectory implements DeviceDirectory {
  private readonly cache = new Map<string, { at: number; entry: Promise<DirectoryEntry | undefined> }>();

  private stopped = false;

  /** Told of every identity key the directory shows for another user (for key-change warnings). */
  onIdentity: ((username: string, identityKey: string) => void) | undefined;

  constructor(
    private readonly rt: Requester,
    private readonly me?: string,
  ) {}

  /** The user's identity and devices; undefined when unknown to us or without end-to-end encryption set up. */
  lookup(username: string, fresh = false): Promise<DirectoryEntry | undefined> {
    if (this.stopped) return never();
    const hit = this.cache.get(username);
    if (!fresh && hit && Date.now() - hit.at < TTL_MS) return hit.entry;
    const entry = this.rt.request('directory:lookup', { username }).catch((err: unknown) => {
      if (err instanceof ParleyError && err.code === 'NOT_FOUND') return undefined;
      this.cache.delete(username);
      if (this.stopped) return never();
      throw err;
    });
    this.cache.set(username, { at: Date.now(), entry });
    if (username !== this.me) void entry.then((e) => e && this.onIdentity?.(username, e.identity.identityKey), () => undefined);
    return entry;
  }

  /**
   * The client closed: MLS work still under way waits here for good instead of failing. ts-mls validates a commit's
   * adds concurrently (clientState.js, applyTreeMutations: an async reduce) and leaves all but the first of several
   * failures unhandled, which would surface as unhandled rejections once the connection is gone.
   */
  stop(): void {
    this.stopped = true;
    this.cache.clear();
  }

  forget(username?: string): void {
    if (username === undefined) this.cache.clear();
    else this.cache.delete(username);
  }

  async identityKey(username: string): Promise<Uint8Array | undefined> {
    const entry = await this.lookup(username);
    return entry && base64UrlToBytes(entry.identity.identityKey);
  }

  async deviceCertificate(username: string, deviceId: string): Promise<DeviceCertificate | undefined> {
    let device = (await this.lookup(username))?.devices.find((d) => d.deviceId === deviceId);
    // A device we have not seen yet may have just registered: ask once more, bypassing the cache.
    device ??= (await this.lookup(username, true))?.devices.find((d) => d.deviceId === deviceId);
    return device && decodeDeviceCertificate(device.certificate);
  }
}

/** A promise that never settles (for work of a closed client, see `stop`). */
function never(): Promise<never> {
  return new Promise<never>(() => undefined);
}
