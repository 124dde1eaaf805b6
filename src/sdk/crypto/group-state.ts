/** Helpers over ts-mls group state: members, epoch pruning, error mapping, and the stored-state envelope. */
import { decodeGroupState, encodeGroupState, zeroOutUint8Array, type ClientConfig, type ClientState } from 'ts-mls';
import { CryptoVerificationError, MlsError, ValidationError } from 'ts-mls/mlsError.js';
import { ByteReader, ByteWriter, bytesEqual, toHex } from './bytes.js';
import { MlsCryptoError, type MlsErrorCode } from './errors.js';
import type { DeviceName } from './identity.js';
import type { Member } from '../../mls/tree.js';

export { leaves, members, type Leaf, type Member } from '../../mls/tree.js';

export function memberKey(m: { signaturePublicKey: Uint8Array }): string {
  return toHex(m.signaturePublicKey);
}

export const names = (ms: Member[]): DeviceName[] => ms.map(({ username, deviceId }) => ({ username, deviceId }));

/** Devices added and removed between two member lists (a device is its signature key). */
export function diffMembers(before: Member[], after: Member[]): { added: DeviceName[]; removed: DeviceName[] } {
  const had = new Set(before.map(memberKey));
  const has = new Set(after.map(memberKey));
  return { added: names(after.filter((m) => !had.has(memberKey(m)))), removed: names(before.filter((m) => !has.has(memberKey(m)))) };
}

/**
 * Parley rules on top of MLS validity: a leaf keeps its {username, deviceId} unless removed in this commit (no
 * identity swap by Update or commit path). An external commit (joinerKey = its path's signature key) may only bring a
 * device of a current member (`joinerAllowed`: a member the caller knows of who has no device in the group yet), and may
 * only remove that same device's old leaf (a resync), nobody else's.
 */
export function checkMembershipPolicy(
  before: Member[],
  after: Member[],
  removedLeaves: Set<number>,
  joinerKey?: Uint8Array,
  joinerAllowed = false,
): void {
  const refuse = (why: string) => new MlsCryptoError('POLICY_REJECTED', 'processHandshake', why);
  for (const m of after) {
    const old = before.find((b) => b.leafIndex === m.leafIndex);
    if (old !== undefined && !removedLeaves.has(m.leafIndex) && (old.username !== m.username || old.deviceId !== m.deviceId)) {
      throw refuse('a leaf changed identity');
    }
  }
  if (joinerKey === undefined) return;
  const joiner = after.find((m) => bytesEqual(m.signaturePublicKey, joinerKey));
  if (joiner === undefined || !(joinerAllowed || before.some((m) => m.username === joiner.username))) {
    throw refuse('external join by someone who is not a member');
  }
  const removed = before.filter((m) => removedLeaves.has(m.leafIndex));
  if (removed.some((m) => m.username !== joiner.username || m.deviceId !== joiner.deviceId)) {
    throw refuse('an external join may only replace its own device');
  }
}

function secretTreeValues(state: ClientState['secretTree']): Uint8Array[] {
  const out: Uint8Array[] = [];
  for (const node of state) {
    if (node === undefined) continue;
    for (const g of [node.application, node.handshake]) {
      out.push(g.secret, ...Object.values(g.unusedGenerations));
    }
  }
  return out;
}

/**
 * Keep only the `keep` most recent past epochs' receiver data; zero the secrets of the rest.
 * Called on every state we adopt after an epoch change (ts-mls itself never zeroes what it drops).
 */
export function pruneEpochs(state: ClientState, keep: number): ClientState {
  const epochs = [...state.historicalReceiverData.keys()].sort((a, b) => (a < b ? 1 : a > b ? -1 : 0));
  if (epochs.length <= keep) return state;
  const kept = new Map(epochs.slice(0, keep).map((e) => [e, state.historicalReceiverData.get(e)!]));
  for (const epoch of epochs.slice(keep)) {
    const data = state.historicalReceiverData.get(epoch);
    if (data === undefined) continue;
    secretTreeValues(data.secretTree).forEach(zeroOutUint8Array);
    zeroOutUint8Array(data.senderDataSecret);
    zeroOutUint8Array(data.resumptionPsk);
  }
  return { ...state, historicalReceiverData: kept };
}

/** Turns a ts-mls failure into a typed error; our own errors pass through unchanged. */
export function toMlsCryptoError(error: unknown, where: string, fallback: MlsErrorCode): MlsCryptoError {
  if (error instanceof MlsCryptoError) return error;
  if (error instanceof ValidationError && /credential/i.test(error.message)) {
    return new MlsCryptoError('CREDENTIAL_REJECTED', where, 'a credential was refused by the authentication service', {
      cause: error,
    });
  }
  if (error instanceof CryptoVerificationError) {
    return new MlsCryptoError(fallback, where, 'cryptographic verification failed', { cause: error });
  }
  const reason = error instanceof MlsError ? error.message : 'unexpected failure';
  return new MlsCryptoError(fallback, where, reason, { cause: error });
}

const STATE_VERSION = 1;

/** Stored state: version || u32-len ts-mls GroupState encoding. Secret: encrypt before it leaves memory. */
export function encodeState(state: ClientState): Uint8Array {
  return new ByteWriter().u8(STATE_VERSION).long(encodeGroupState(state)).bytes();
}

export function decodeState(bytes: Uint8Array, config: ClientConfig): ClientState {
  const where = 'decodeState';
  const r = new ByteReader(bytes, where);
  if (r.u8() !== STATE_VERSION) throw new MlsCryptoError('BAD_ENCODING', where, 'unknown version');
  const inner = r.long();
  r.end();
  const decoded = decodeGroupState(inner, 0);
  if (decoded === undefined || decoded[1] !== inner.length) {
    throw new MlsCryptoError('BAD_ENCODING', where, 'not a group state');
  }
  return { ...decoded[0], clientConfig: config };
}
