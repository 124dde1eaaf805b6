/**
 * The client's faces of its end-to-end layer: what the layer asks of the client (its EngineHost: requests, the
 * engine's ordered log and sends), and `encryption`, `devices` and `verification` (see docs/SDK.md).
 */
import type { DeviceDto } from '../protocol/e2e.js';
import type { EngineHost } from './e2ee/api.js';
import type { IdentityChange, Verification } from './e2ee/trust.js';
import type { ConversationEngine } from './engine/conversation-engine.js';
import { ParleyError } from './errors.js';
import type { OpenedE2ee } from './opened-e2ee.js';
import type { Realtime } from './realtime.js';
import type { Conversations } from './social.js';

/** The layer as the client holds it: open now (or not), and once connect() has opened it. */
export interface E2eeAccess {
  current: () => OpenedE2ee | undefined;
  ready: () => Promise<OpenedE2ee | undefined>;
}

/** What the end-to-end layer calls in the client (in the browser, from its worker). */
export function e2eeHost(
  realtime: Realtime,
  engine: ConversationEngine,
  identityChanged: (change: IdentityChange) => void,
  profileKey: (username: string) => void,
): EngineHost {
  return {
    request: realtime.request.bind(realtime),
    settle: (id) => engine.settle(id),
    sendPayload: (id, payload) => engine.sendPayload(id, payload),
    onUpdate: (m) => engine.changed(m),
    onIdentityChanged: identityChanged,
    onProfileKey: profileKey,
  };
}

/** The end-to-end layer, once connect() has opened it (waiting for it while it opens). */
async function required(access: E2eeAccess) {
  const opened = await access.ready();
  if (!opened) throw new ParleyError('NOT_CONNECTED', 'Connect with encryption on first.');
  return opened.api;
}

export function encryptionFace(access: E2eeAccess) {
  return {
    /** This client's device id, or undefined before connect() or with encryption off. */
    deviceId: (): string | undefined => access.current()?.deviceId,
    /** This client's device id once connect() has set it up (waits while it opens). */
    currentDevice: async (): Promise<string | undefined> => (await access.ready())?.deviceId,
    /** Epoch, devices and epoch authenticator of a conversation's group as this device sees it. */
    state: async (conversationId: string) => (await required(access)).state(conversationId),
    /** Commits fresh keys for the conversation (post-compromise security). */
    updateKeys: async (conversationId: string) => (await required(access)).updateKeys(conversationId),
  };
}

export function devicesFace(access: E2eeAccess, realtime: Realtime, conversations: Conversations) {
  return {
    list: async (username?: string): Promise<DeviceDto[]> =>
      (await realtime.request('devices:list', username === undefined ? {} : { username })).devices,
    /**
     * Removes one of your devices: the server stops accepting it, your history vault gets a new key it never sees,
     * and it is committed out of every conversation's group before this resolves.
     */
    remove: async (deviceId: string): Promise<DeviceDto> => {
      const { device } = await realtime.request('devices:remove', { deviceId });
      const e2ee = access.current()?.api;
      if (e2ee) {
        await e2ee.rotateVault();
        for (const c of await conversations.list()) await e2ee.reconcile(c.id);
      }
      return device;
    },
  };
}

export function verificationFace(access: E2eeAccess) {
  return {
    /** The safety number with `username`, whether it is verified, and whether their key changed. */
    get: async (username: string): Promise<Verification> => (await required(access)).verification(username),
    /** Mark the contact's current key as verified (after comparing safety numbers), or not. */
    setVerified: async (username: string, verified: boolean): Promise<Verification> => (await required(access)).setVerified(username, verified),
  };
}
