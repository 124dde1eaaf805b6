/**
 * The Delivery Service's checks of public MLS objects, with public data only: a KeyPackage before the server hands
 * it out, a GroupInfo before the server stores it as a group's latest. They make the server's own records
 * trustworthy (who a leaf is, which device a KeyPackage belongs to); members still validate everything themselves.
 */
import { treeHashRoot } from 'ts-mls/treeHash.js';
import { ratchetTreeFromExtension, verifyGroupInfoSignature } from 'ts-mls/groupInfo.js';
import { makeKeyPackageRef, verifyKeyPackage } from 'ts-mls/keyPackage.js';
import { verifyLeafNodeSignatureKeyPackage } from 'ts-mls/leafNode.js';
import { bytesEqual, utf8Decode } from './bytes.js';
import { decodeDeviceName, type DeviceName } from './credentials.js';
import { MlsCryptoError } from './errors.js';
import { decodeExact, signerKey } from './framing.js';
import { CIPHERSUITE, LAST_RESORT_EXTENSION, ciphersuite } from './suite.js';
import { members, type Member } from './tree.js';

export interface KeyPackageInfo {
  /** KeyPackageRef (RFC 9420 §5.2), computed here. */
  ref: Uint8Array;
  device: DeviceName;
  signaturePublicKey: Uint8Array;
  lastResort: boolean;
  /** End of the KeyPackage's lifetime, in milliseconds since the epoch. */
  notAfterMs: number;
}

export interface GroupInfoSummary {
  conversationId: string;
  epoch: bigint;
  members: Member[];
  /** The member who signed this GroupInfo. */
  signer: Member;
}

const invalid = (where: string, why: string) => new MlsCryptoError('INVALID_MESSAGE', where, why);

/** Where a value in seconds since the epoch is too large to be a date, saturate (a "never expires" lifetime). */
function secondsToMs(seconds: bigint): number {
  const ms = seconds * 1000n;
  return ms > BigInt(Number.MAX_SAFE_INTEGER) ? Number.MAX_SAFE_INTEGER : Number(ms);
}

/**
 * A KeyPackage of our ciphersuite with a Parley BasicCredential, whose KeyPackage and leaf signatures verify under
 * its own signature key. (That the key is the one the user's identity certified is checked by the caller, against
 * the directory.)
 */
export async function validateKeyPackage(bytes: Uint8Array): Promise<KeyPackageInfo> {
  const where = 'validateKeyPackage';
  const msg = decodeExact(bytes, where);
  if (msg.wireformat !== 'mls_key_package') throw invalid(where, 'not a KeyPackage');
  const kp = msg.keyPackage;
  if (kp.version !== 'mls10' || kp.cipherSuite !== CIPHERSUITE) throw invalid(where, 'not our protocol version and ciphersuite');
  const credential = kp.leafNode.credential;
  if (credential.credentialType !== 'basic') throw invalid(where, 'not a basic credential');
  const device = decodeDeviceName(credential.identity);
  const cs = await ciphersuite();
  const signed =
    (await verifyKeyPackage(kp, cs.signature).catch(() => false)) &&
    (await verifyLeafNodeSignatureKeyPackage(kp.leafNode, cs.signature).catch(() => false));
  if (!signed) throw invalid(where, 'signature does not verify');
  return {
    ref: await makeKeyPackageRef(kp, cs.hash),
    device,
    signaturePublicKey: kp.leafNode.signaturePublicKey,
    lastResort: kp.extensions.some((e) => e.extensionType === LAST_RESORT_EXTENSION),
    notAfterMs: secondsToMs(kp.leafNode.lifetime.notAfter),
  };
}

/**
 * A GroupInfo of our ciphersuite that carries its ratchet tree, whose tree hash matches its group context, whose
 * signature verifies under its signer's leaf, and whose every leaf is a distinct Parley device.
 */
export async function validateGroupInfo(bytes: Uint8Array): Promise<GroupInfoSummary> {
  const where = 'validateGroupInfo';
  const msg = decodeExact(bytes, where);
  if (msg.wireformat !== 'mls_group_info') throw invalid(where, 'not a GroupInfo');
  const gi = msg.groupInfo;
  const context = gi.groupContext;
  if (context.version !== 'mls10' || context.cipherSuite !== CIPHERSUITE) {
    throw invalid(where, 'not our protocol version and ciphersuite');
  }
  const cs = await ciphersuite();
  let tree;
  try {
    tree = ratchetTreeFromExtension(gi);
  } catch (cause) {
    throw new MlsCryptoError('INVALID_MESSAGE', where, 'bad ratchet tree', { cause });
  }
  if (tree === undefined) throw invalid(where, 'no ratchet_tree extension');
  if (!bytesEqual(await treeHashRoot(tree, cs.hash), context.treeHash)) throw invalid(where, 'tree hash does not match');
  const key = signerKey(gi, gi.signer);
  if (key === undefined || !(await verifyGroupInfoSignature(gi, key, cs.signature).catch(() => false))) {
    throw invalid(where, 'signature does not verify');
  }
  const all = members(tree);
  const seen = new Set<string>();
  for (const m of all) {
    const name = `${m.username}\u0000${m.deviceId}`;
    if (seen.has(name)) throw invalid(where, 'a device appears twice');
    seen.add(name);
  }
  const signer = all.find((m) => m.leafIndex === gi.signer);
  if (signer === undefined) throw invalid(where, 'no signer leaf');
  return { conversationId: utf8Decode(context.groupId, where), epoch: context.epoch, members: all, signer };
}
