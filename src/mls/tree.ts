/** The members of a ratchet tree, as Parley device names (read by clients and by the server from GroupInfo). */
import type { Credential, RatchetTree } from 'ts-mls';
import { decodeDeviceName, type DeviceName } from './credentials.js';
import { MlsCryptoError } from './errors.js';

export interface Member extends DeviceName {
  leafIndex: number;
  signaturePublicKey: Uint8Array;
}

export interface Leaf {
  leafIndex: number;
  credential: Credential;
  signaturePublicKey: Uint8Array;
}

export function leaves(tree: RatchetTree): Leaf[] {
  const out: Leaf[] = [];
  tree.forEach((node, nodeIndex) => {
    if (node?.nodeType === 'leaf') {
      out.push({ leafIndex: nodeIndex / 2, credential: node.leaf.credential, signaturePublicKey: node.leaf.signaturePublicKey });
    }
  });
  return out;
}

/** Members of a tree whose every leaf the AS has already accepted; a foreign credential type is a bug, so it throws. */
export function members(tree: RatchetTree): Member[] {
  return leaves(tree).map(({ leafIndex, credential, signaturePublicKey }) => {
    if (credential.credentialType !== 'basic') {
      throw new MlsCryptoError('CREDENTIAL_REJECTED', 'members', 'not a basic credential');
    }
    return { leafIndex, signaturePublicKey, ...decodeDeviceName(credential.identity) };
  });
}
