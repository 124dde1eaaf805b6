/** An in-memory DeviceDirectory: for tests, tools, and as a local cache in front of the server's directory. */
import type { DeviceDirectory } from './authentication.js';
import type { DeviceCertificate } from './identity.js';

export class MemoryDirectory implements DeviceDirectory {
  private readonly identities = new Map<string, Uint8Array>();
  private readonly certificates = new Map<string, DeviceCertificate>();

  setIdentityKey(username: string, publicKey: Uint8Array): this {
    this.identities.set(username, publicKey);
    return this;
  }

  addCertificate(certificate: DeviceCertificate): this {
    this.certificates.set(`${certificate.username}\u0000${certificate.deviceId}`, certificate);
    return this;
  }

  removeDevice(username: string, deviceId: string): this {
    this.certificates.delete(`${username}\u0000${deviceId}`);
    return this;
  }

  identityKey(username: string): Promise<Uint8Array | undefined> {
    return Promise.resolve(this.identities.get(username));
  }

  deviceCertificate(username: string, deviceId: string): Promise<DeviceCertificate | undefined> {
    return Promise.resolve(this.certificates.get(`${username}\u0000${deviceId}`));
  }
}
