/**
 * MlsDevice: one browser or SDK instance. Holds the device's MLS signature key and certificate, its unused
 * KeyPackages' private keys, and the authentication service; creates, joins and restores conversations.
 */
import {
  createGroup,
  decodeMlsMessage,
  emptyPskIndex,
  encodeMlsMessage,
  generateKeyPackageWithKey,
  joinGroup,
  joinGroupExternal,
  type CiphersuiteImpl,
  type ClientConfig,
  type ClientState,
  type KeyPackage,
  type PrivateKeyPackage,
} from 'ts-mls';
import { decodeKeyPackage, encodeKeyPackage, makeKeyPackageRef } from 'ts-mls/keyPackage.js';
import { DeviceAuthenticationService, type AuthenticationOptions, type DeviceDirectory } from './authentication.js';
import { ByteReader, ByteWriter, bytesEqual, toHex, utf8Decode, utf8Encode } from './bytes.js';
import { MlsCryptoError } from './errors.js';
import { MlsConversation } from './group.js';
import { decodeState, leaves, pruneEpochs, toMlsCryptoError } from './group-state.js';
import {
  createDeviceKeys,
  decodeDeviceKeys,
  deviceCredential,
  encodeDeviceKeys,
  type DeviceCertificate,
  type DeviceKeys,
  type DeviceName,
  type IdentityKeyPair,
} from './identity.js';
import {
  LAST_RESORT_EXTENSION,
  ciphersuite,
  keyPackageLifetime,
  parleyCapabilities,
  parleyClientConfig,
} from './suite.js';

export interface MlsDeviceOptions {
  directory: DeviceDirectory;
  /** Past epochs whose receive keys are kept for late messages (default 1; 0 = strict forward secrecy). */
  retainPastEpochs?: number;
  authentication?: AuthenticationOptions;
}

/** What the server stores for a device and hands out, one per request, to whoever adds the device to a group. */
export interface PublishedKeyPackage {
  /** KeyPackageRef (RFC 9420 §5.2): the id the server indexes KeyPackages and routes Welcomes by. */
  ref: Uint8Array;
  /** MLSMessage-encoded KeyPackage. Public. */
  keyPackage: Uint8Array;
  /** A last-resort KeyPackage is handed out when the one-time ones run out, and is not deleted by its use. */
  lastResort: boolean;
}

interface StoredKeyPackage {
  ref: Uint8Array;
  publicPackage: KeyPackage;
  privatePackage: PrivateKeyPackage;
  lastResort: boolean;
}

const DEVICE_STATE_VERSION = 1;

export class MlsDevice {
  private readonly auth: DeviceAuthenticationService;
  private readonly config: ClientConfig;
  private readonly retainPastEpochs: number;

  private constructor(
    private readonly keys: DeviceKeys,
    options: MlsDeviceOptions,
    private readonly keyPackages = new Map<string, StoredKeyPackage>(),
  ) {
    this.retainPastEpochs = Math.max(0, Math.floor(options.retainPastEpochs ?? 1));
    this.auth = new DeviceAuthenticationService(options.directory, options.authentication);
    this.config = parleyClientConfig(this.auth, this.retainPastEpochs);
  }

  /** A new device certified by the user's identity key. Publish `certificate` to the directory before use. */
  static create(identity: IdentityKeyPair, name: DeviceName, options: MlsDeviceOptions): MlsDevice {
    return new MlsDevice(createDeviceKeys(identity, name), options);
  }

  /** Restores a device from serialize() output (secret: keep it encrypted at rest). */
  static restore(bytes: Uint8Array, options: MlsDeviceOptions): MlsDevice {
    const where = 'MlsDevice.restore';
    const r = new ByteReader(bytes, where);
    if (r.u8() !== DEVICE_STATE_VERSION) throw new MlsCryptoError('BAD_ENCODING', where, 'unknown version');
    const keys = decodeDeviceKeys(r.short());
    const count = r.u8() * 256 + r.u8();
    const stored = new Map<string, StoredKeyPackage>();
    for (let i = 0; i < count; i++) {
      const ref = r.short();
      const kp = decodeKeyPackage(r.long(), 0);
      if (kp === undefined) throw new MlsCryptoError('BAD_ENCODING', where, 'bad KeyPackage');
      const privatePackage = { initPrivateKey: r.short(), hpkePrivateKey: r.short(), signaturePrivateKey: keys.signaturePrivateKey };
      stored.set(toHex(ref), { ref, publicPackage: kp[0], privatePackage, lastResort: r.u8() === 1 });
    }
    r.end();
    return new MlsDevice(keys, options, stored);
  }

  get name(): DeviceName {
    return { username: this.keys.username, deviceId: this.keys.deviceId };
  }

  get certificate(): DeviceCertificate {
    return this.keys.certificate;
  }

  /** The authentication service this device's groups use (e.g. to forget() cached answers). */
  get authentication(): DeviceAuthenticationService {
    return this.auth;
  }

  serialize(): Uint8Array {
    const w = new ByteWriter().u8(DEVICE_STATE_VERSION).short(encodeDeviceKeys(this.keys));
    w.u8(this.keyPackages.size >> 8).u8(this.keyPackages.size & 0xff);
    for (const kp of this.keyPackages.values()) {
      w.short(kp.ref).long(encodeKeyPackage(kp.publicPackage)).short(kp.privatePackage.initPrivateKey).short(kp.privatePackage.hpkePrivateKey);
      w.u8(kp.lastResort ? 1 : 0);
    }
    return w.bytes();
  }

  /** Several one-time KeyPackages and (by default) one last-resort KeyPackage, to upload to the server. */
  async generateKeyPackages(oneTime: number, options: { lastResort?: boolean } = {}): Promise<PublishedKeyPackage[]> {
    const out: PublishedKeyPackage[] = [];
    const kinds = [...Array<boolean>(oneTime).fill(false), ...(options.lastResort === false ? [] : [true])];
    for (const lastResort of kinds) {
      const { publicPackage, privatePackage } = await this.newKeyPackage(lastResort);
      const ref = await makeKeyPackageRef(publicPackage, (await ciphersuite()).hash);
      this.keyPackages.set(toHex(ref), { ref, publicPackage, privatePackage, lastResort });
      const keyPackage = encodeMlsMessage({ version: 'mls10', wireformat: 'mls_key_package', keyPackage: publicPackage });
      out.push({ ref, keyPackage, lastResort });
    }
    return out;
  }

  /** A new group with this device as its only member (epoch 0). */
  async createConversation(conversationId: string): Promise<MlsConversation> {
    const cs = await ciphersuite();
    await this.auth.authenticate(deviceCredential(this.name), this.keys.signaturePublicKey);
    const { publicPackage, privatePackage } = await this.newKeyPackage(false);
    try {
      const state = await createGroup(utf8Encode(conversationId), publicPackage, privatePackage, [], cs, this.config);
      return this.conversation(state, cs);
    } catch (error) {
      throw toMlsCryptoError(error, 'createConversation', 'INVALID_MESSAGE');
    }
  }

  /** Joins from a Welcome addressed to one of our KeyPackages; a one-time KeyPackage is then deleted. */
  async joinWelcome(welcomeBytes: Uint8Array, expectedConversationId?: string): Promise<MlsConversation> {
    const where = 'joinWelcome';
    const cs = await ciphersuite();
    const decoded = decodeMlsMessage(welcomeBytes, 0);
    if (decoded === undefined || decoded[1] !== welcomeBytes.length || decoded[0].wireformat !== 'mls_welcome') {
      throw new MlsCryptoError('INVALID_MESSAGE', where, 'not an MLS Welcome');
    }
    const welcome = decoded[0].welcome;
    const ref = welcome.secrets.map((s) => toHex(s.newMember)).find((r) => this.keyPackages.has(r));
    const stored = ref === undefined ? undefined : this.keyPackages.get(ref);
    if (ref === undefined || stored === undefined) throw new MlsCryptoError('NO_KEY_PACKAGE', where, 'not addressed to this device');
    let state: ClientState;
    try {
      state = await joinGroup(welcome, stored.publicPackage, stored.privatePackage, emptyPskIndex, cs, undefined, undefined, this.config);
    } catch (error) {
      throw toMlsCryptoError(error, where, 'INVALID_MESSAGE');
    }
    const conversation = this.conversation(state, cs);
    if (expectedConversationId !== undefined && conversation.conversationId !== expectedConversationId) {
      throw new MlsCryptoError('INVALID_MESSAGE', where, 'Welcome for another conversation');
    }
    if (!stored.lastResort) this.keyPackages.delete(ref);
    return conversation;
  }

  /**
   * Joins by external commit from the GroupInfo the server holds (a new device of a member, or a resync).
   * Send `commit` to the server; use the conversation only once the server accepted it (else retry with a fresh GroupInfo).
   */
  async joinExternal(
    groupInfoBytes: Uint8Array,
    conversationId: string,
    options: { resync?: boolean } = {},
  ): Promise<{ conversation: MlsConversation; commit: Uint8Array }> {
    const where = 'joinExternal';
    const cs = await ciphersuite();
    const decoded = decodeMlsMessage(groupInfoBytes, 0);
    if (decoded === undefined || decoded[1] !== groupInfoBytes.length || decoded[0].wireformat !== 'mls_group_info') {
      throw new MlsCryptoError('INVALID_MESSAGE', where, 'not an MLS GroupInfo');
    }
    const groupInfo = decoded[0].groupInfo;
    if (!bytesEqual(groupInfo.groupContext.groupId, utf8Encode(conversationId))) {
      throw new MlsCryptoError('INVALID_MESSAGE', where, 'GroupInfo of another conversation');
    }
    const { publicPackage, privatePackage } = await this.newKeyPackage(false);
    try {
      const { publicMessage, newState } = await joinGroupExternal(
        groupInfo, publicPackage, privatePackage, options.resync === true, cs, undefined, this.config,
      );
      const commit = encodeMlsMessage({ version: 'mls10', wireformat: 'mls_public_message', publicMessage });
      return { conversation: this.conversation(newState, cs), commit };
    } catch (error) {
      throw toMlsCryptoError(error, where, 'INVALID_MESSAGE');
    }
  }

  /** Restores a conversation from MlsConversation.serialize(), re-checking every member with the AS. */
  async restoreConversation(bytes: Uint8Array): Promise<MlsConversation> {
    const state = decodeState(bytes, this.config);
    const own = state.ratchetTree[state.privatePath.leafIndex * 2];
    if (own?.nodeType !== 'leaf' || !bytesEqual(own.leaf.signaturePublicKey, this.keys.signaturePublicKey)) {
      throw new MlsCryptoError('INVALID_MESSAGE', 'restoreConversation', 'state of another device');
    }
    for (const leaf of leaves(state.ratchetTree)) await this.auth.authenticate(leaf.credential, leaf.signaturePublicKey);
    return this.conversation(state, await ciphersuite());
  }

  private conversation(state: ClientState, cs: CiphersuiteImpl): MlsConversation {
    const id = utf8Decode(state.groupContext.groupId, 'MlsDevice.conversation');
    const ctx = { cs, auth: this.auth, retainPastEpochs: this.retainPastEpochs };
    return new MlsConversation(id, pruneEpochs(state, this.retainPastEpochs), ctx);
  }

  private async newKeyPackage(lastResort: boolean): Promise<{ publicPackage: KeyPackage; privatePackage: PrivateKeyPackage }> {
    const extensions = lastResort ? [{ extensionType: LAST_RESORT_EXTENSION, extensionData: new Uint8Array(0) }] : [];
    return generateKeyPackageWithKey(
      deviceCredential(this.name),
      parleyCapabilities(),
      keyPackageLifetime(),
      extensions,
      { signKey: this.keys.signaturePrivateKey, publicKey: this.keys.signaturePublicKey },
      await ciphersuite(),
    );
  }
}
