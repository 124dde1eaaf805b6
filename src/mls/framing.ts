/**
 * What the Delivery Service (server) may read of MLS bytes without any secret: framing only. The server imports these
 * to check a commit against its membership rules and to route Welcomes; it never learns message content.
 * - PublicMessage (commits, proposals): group, epoch, sender leaf, proposal list (adds with device names, removes).
 * - PrivateMessage (application): group, epoch, content type only; everything else is encrypted.
 * - Welcome: the KeyPackageRefs it is addressed to. GroupInfo: group, epoch, members (from the ratchet_tree extension).
 */
import { decodeMlsMessage, type GroupInfo, type Proposal, type PublicMessage } from 'ts-mls';
import { verifyFramedContentSignature } from 'ts-mls/framedContent.js';
import { ratchetTreeFromExtension, verifyGroupInfoSignature } from 'ts-mls/groupInfo.js';
import { makeKeyPackageRef } from 'ts-mls/keyPackage.js';
import { bytesEqual, utf8Decode } from './bytes.js';
import { MlsCryptoError } from './errors.js';
import { decodeDeviceName, type DeviceName } from './credentials.js';
import { LAST_RESORT_EXTENSION, ciphersuite } from './suite.js';
import { leaves, members, type Member } from './tree.js';

export type HandshakeSender =
  | { type: 'member'; leafIndex: number }
  | { type: 'new_member_commit' }
  | { type: 'external' | 'new_member_proposal' };

export type MlsFraming =
  | {
      type: 'commit' | 'proposal';
      conversationId: string;
      epoch: bigint;
      sender: HandshakeSender;
      /** Devices added by inline Add proposals (the joiner's name, for external commits, is in `joiner`). */
      added: DeviceName[];
      /** Leaf indices removed by inline Remove proposals. */
      removedLeaves: number[];
      /** Proposals included by reference (sent earlier as separate proposal messages). */
      referencedProposals: number;
      otherProposals: string[];
      joiner: DeviceName | undefined;
    }
  | { type: 'application'; conversationId: string; epoch: bigint }
  | { type: 'welcome'; keyPackageRefs: Uint8Array[] }
  | { type: 'group_info'; conversationId: string; epoch: bigint; members: Member[] }
  | { type: 'key_package'; device: DeviceName; lastResort: boolean };

/** One whole MLSMessage, or INVALID_MESSAGE naming `where` (a decoder that throws on hostile bytes included). */
export function decodeExact(bytes: Uint8Array, where: string) {
  let decoded: ReturnType<typeof decodeMlsMessage>;
  try {
    decoded = decodeMlsMessage(bytes, 0);
  } catch (cause) {
    throw new MlsCryptoError('INVALID_MESSAGE', where, 'not an MLS message', { cause });
  }
  if (decoded === undefined || decoded[1] !== bytes.length) throw new MlsCryptoError('INVALID_MESSAGE', where, 'not an MLS message');
  return decoded[0];
}

function deviceOf(identity: Uint8Array): DeviceName {
  return decodeDeviceName(identity);
}

function summarize(proposals: Proposal[]) {
  const added: DeviceName[] = [];
  const removedLeaves: number[] = [];
  const otherProposals: string[] = [];
  for (const p of proposals) {
    if (p.proposalType === 'add' && p.add.keyPackage.leafNode.credential.credentialType === 'basic') {
      added.push(deviceOf(p.add.keyPackage.leafNode.credential.identity));
    } else if (p.proposalType === 'remove') removedLeaves.push(p.remove.removed);
    else otherProposals.push(String(p.proposalType));
  }
  return { added, removedLeaves, otherProposals };
}

function senderOf(pm: PublicMessage): HandshakeSender {
  const s = pm.content.sender;
  if (s.senderType === 'member') return { type: 'member', leafIndex: s.leafIndex };
  if (s.senderType === 'new_member_commit') return { type: 'new_member_commit' };
  return { type: s.senderType };
}

/** Decodes framing only. Throws INVALID_MESSAGE (or BAD_ENCODING for a non-Parley credential) on malformed bytes. */
export function inspectMlsMessage(bytes: Uint8Array): MlsFraming {
  const where = 'inspectMlsMessage';
  const msg = decodeExact(bytes, where);
  switch (msg.wireformat) {
    case 'mls_private_message': {
      const pm = msg.privateMessage;
      // Parley sends every handshake message as a PublicMessage: an encrypted commit or proposal would hide from the
      // server's checks, so a PrivateMessage must carry application data.
      if (pm.contentType !== 'application') throw new MlsCryptoError('INVALID_MESSAGE', where, 'encrypted handshake message');
      return { type: 'application', conversationId: utf8Decode(pm.groupId, where), epoch: pm.epoch };
    }
    case 'mls_welcome':
      return { type: 'welcome', keyPackageRefs: msg.welcome.secrets.map((s) => s.newMember) };
    case 'mls_group_info': {
      const gi = msg.groupInfo;
      const tree = ratchetTreeFromExtension(gi);
      return {
        type: 'group_info',
        conversationId: utf8Decode(gi.groupContext.groupId, where),
        epoch: gi.groupContext.epoch,
        members: tree === undefined ? [] : members(tree),
      };
    }
    case 'mls_key_package': {
      const kp = msg.keyPackage;
      if (kp.leafNode.credential.credentialType !== 'basic') throw new MlsCryptoError('INVALID_MESSAGE', where, 'not basic');
      const lastResort = kp.extensions.some((e) => e.extensionType === LAST_RESORT_EXTENSION);
      return { type: 'key_package', device: deviceOf(kp.leafNode.credential.identity), lastResort };
    }
    case 'mls_public_message': {
      const pm = msg.publicMessage;
      const content = pm.content;
      const base = { conversationId: utf8Decode(content.groupId, where), epoch: content.epoch, sender: senderOf(pm) };
      if (content.contentType === 'proposal') {
        return { type: 'proposal', ...base, ...summarize([content.proposal]), referencedProposals: 0, joiner: undefined };
      }
      if (content.contentType !== 'commit') throw new MlsCryptoError('INVALID_MESSAGE', where, 'public application data');
      const inline = content.commit.proposals.flatMap((p) => (p.proposalOrRefType === 'proposal' ? [p.proposal] : []));
      const leaf = content.commit.path?.leafNode;
      const joiner =
        content.sender.senderType === 'new_member_commit' && leaf?.credential.credentialType === 'basic'
          ? deviceOf(leaf.credential.identity)
          : undefined;
      return {
        type: 'commit',
        ...base,
        ...summarize(inline),
        referencedProposals: content.commit.proposals.length - inline.length,
        joiner,
      };
    }
  }
}

/** KeyPackageRef of an MLSMessage KeyPackage, as the server indexes it (must equal what the client reports). */
export async function keyPackageRef(keyPackageBytes: Uint8Array): Promise<Uint8Array> {
  const msg = decodeExact(keyPackageBytes, 'keyPackageRef');
  if (msg.wireformat !== 'mls_key_package') throw new MlsCryptoError('INVALID_MESSAGE', 'keyPackageRef', 'not a KeyPackage');
  return makeKeyPackageRef(msg.keyPackage, (await ciphersuite()).hash);
}

export function signerKey(gi: GroupInfo, leafIndex: number): Uint8Array | undefined {
  const tree = ratchetTreeFromExtension(gi);
  return tree === undefined ? undefined : leaves(tree).find((l) => l.leafIndex === leafIndex)?.signaturePublicKey;
}

/**
 * Checks, with public data only, that a commit/proposal is signed by the leaf it names in the epoch described by
 * `groupInfoBytes` (the latest GroupInfo the server holds, whose own signature is checked too). It cannot check the
 * membership tag or the path encryption: members still validate everything.
 */
export async function verifyHandshakeSignature(handshakeBytes: Uint8Array, groupInfoBytes: Uint8Array): Promise<boolean> {
  const cs = await ciphersuite();
  const msg = decodeExact(handshakeBytes, 'verifyHandshakeSignature');
  const giMsg = decodeExact(groupInfoBytes, 'verifyHandshakeSignature');
  if (msg.wireformat !== 'mls_public_message' || giMsg.wireformat !== 'mls_group_info') return false;
  const { content, auth } = msg.publicMessage;
  const gi = giMsg.groupInfo;
  if (!bytesEqual(content.groupId, gi.groupContext.groupId) || content.epoch !== gi.groupContext.epoch) return false;
  const giSigner = signerKey(gi, gi.signer);
  if (giSigner === undefined || !(await verifyGroupInfoSignature(gi, giSigner, cs.signature))) return false;
  const key =
    content.sender.senderType === 'member'
      ? signerKey(gi, content.sender.leafIndex)
      : content.sender.senderType === 'new_member_commit' && content.contentType === 'commit'
        ? content.commit.path?.leafNode.signaturePublicKey
        : undefined;
  if (key === undefined) return false;
  return verifyFramedContentSignature(key, 'mls_public_message', content, auth, gi.groupContext, cs.signature);
}
