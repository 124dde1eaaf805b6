/**
 * Parley's authentication service (AS) for ts-mls: a credential is valid only if
 *   1. it is a BasicCredential whose identity bytes decode to {username, deviceId};
 *   2. the directory holds an identity key for `username` and a device certificate for (username, deviceId);
 *   3. that certificate names exactly the leaf's signature public key; and
 *   4. the certificate's signature verifies under the identity key.
 * ts-mls calls validateCredential for every leaf it meets: createGroup (external senders), commit creation and
 * processing (Add KeyPackages, Update leaves, commit paths), joinGroup (GroupInfo signer + every leaf of the tree),
 * joinGroupExternal (the whole tree), and we call it ourselves on state restore and for our own credential.
 *
 * Why a directory and not a certificate inside the leaf/KeyPackage extension: ts-mls's hook receives only
 * (credential, signaturePublicKey), never the LeafNode, so an extension would be invisible to it. The directory also
 * gives revocation (a removed device stops validating) and lists a user's devices.
 */
import type { AuthenticationService, Credential } from 'ts-mls';
import { bytesEqual, toHex } from './bytes.js';
import { MlsCryptoError } from './errors.js';
import { decodeDeviceName, verifyDeviceCertificate, type DeviceCertificate, type DeviceName } from './identity.js';

export interface DeviceDirectory {
  /** The user's current identity public key (32 bytes), or undefined for an unknown user. */
  identityKey(username: string): Promise<Uint8Array | undefined>;
  /** The certificate the user's identity key issued for that device, or undefined if none (or revoked). */
  deviceCertificate(username: string, deviceId: string): Promise<DeviceCertificate | undefined>;
}

export interface VerifiedDevice extends DeviceName {
  signaturePublicKey: Uint8Array;
  identityKey: Uint8Array;
}

export interface AuthenticationOptions {
  /** How long a positive answer is reused (default 60 s). Negative answers are never cached. */
  cacheTtlMs?: number;
  now?: () => number;
}

export class DeviceAuthenticationService implements AuthenticationService {
  private readonly cache = new Map<string, { expires: number; device: VerifiedDevice }>();
  private readonly ttl: number;
  private readonly now: () => number;

  constructor(
    private readonly directory: DeviceDirectory,
    options: AuthenticationOptions = {},
  ) {
    this.ttl = options.cacheTtlMs ?? 60_000;
    this.now = options.now ?? Date.now;
  }

  /** The ts-mls hook. Resolves false for an invalid credential; rejects (DIRECTORY_UNAVAILABLE) if it cannot ask. */
  async validateCredential(credential: Credential, signaturePublicKey: Uint8Array): Promise<boolean> {
    const verdict = await this.check(credential, signaturePublicKey);
    return typeof verdict !== 'string';
  }

  /** Like validateCredential, but returns who it is or throws CREDENTIAL_REJECTED with the reason. */
  async authenticate(credential: Credential, signaturePublicKey: Uint8Array): Promise<VerifiedDevice> {
    const verdict = await this.check(credential, signaturePublicKey);
    if (typeof verdict === 'string') throw new MlsCryptoError('CREDENTIAL_REJECTED', 'authenticate', verdict);
    return verdict;
  }

  /** Forget cached answers, e.g. after the directory reports a revoked device or a changed identity key. */
  forget(username?: string): void {
    if (username === undefined) this.cache.clear();
    else for (const [key, entry] of this.cache) if (entry.device.username === username) this.cache.delete(key);
  }

  private async check(credential: Credential, signaturePublicKey: Uint8Array): Promise<VerifiedDevice | string> {
    if (credential.credentialType !== 'basic') return 'not a basic credential';
    let name: DeviceName;
    try {
      name = decodeDeviceName(credential.identity);
    } catch {
      return 'credential identity is not a Parley device name';
    }
    const key = `${name.username}\u0000${name.deviceId}\u0000${toHex(signaturePublicKey)}`;
    const cached = this.cache.get(key);
    if (cached !== undefined && cached.expires > this.now()) return cached.device;

    const [identityKey, certificate] = await this.lookup(name);
    if (identityKey === undefined) return `no identity key for ${name.username}`;
    if (certificate === undefined) return `no certificate for device ${name.deviceId} of ${name.username}`;
    if (certificate.username !== name.username || certificate.deviceId !== name.deviceId) {
      return 'certificate names another device';
    }
    if (!bytesEqual(certificate.deviceSignaturePublicKey, signaturePublicKey)) {
      return 'certificate is for another signature key';
    }
    if (!(await verifyDeviceCertificate(certificate, identityKey))) return 'certificate not signed by the identity key';

    const device: VerifiedDevice = { ...name, signaturePublicKey, identityKey };
    this.cache.set(key, { expires: this.now() + this.ttl, device });
    return device;
  }

  private async lookup(name: DeviceName): Promise<[Uint8Array | undefined, DeviceCertificate | undefined]> {
    try {
      return await Promise.all([
        this.directory.identityKey(name.username),
        this.directory.deviceCertificate(name.username, name.deviceId),
      ]);
    } catch (cause) {
      throw new MlsCryptoError('DIRECTORY_UNAVAILABLE', 'DeviceAuthenticationService.lookup', 'directory lookup failed', {
        cause,
      });
    }
  }
}
