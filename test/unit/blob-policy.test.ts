import { describe, expect, it } from 'vitest';
import { canReadBlob, type BlobFacts } from '../../src/server/policies/blobs.js';

const attached: BlobFacts = { uploader_id: 'alice', completed_at: 1, base_seq: 10, message_id: 'm', message_seq: 12, message_deleted_at: null };
const pending: BlobFacts = { ...attached, message_id: null, message_seq: null };

describe('canReadBlob', () => {
  it('a member reads a file carried by a message they can see', () => {
    expect(canReadBlob(attached, { joined_seq: 0 }, 'bob')).toBe(true);
    expect(canReadBlob(attached, { joined_seq: 11 }, 'bob')).toBe(true);
  });
  it('not a member who joined after the message, nor a non-member', () => {
    expect(canReadBlob(attached, { joined_seq: 12 }, 'bob')).toBe(false);
    expect(canReadBlob(attached, undefined, 'bob')).toBe(false);
    expect(canReadBlob(attached, undefined, 'alice')).toBe(false);
  });
  it('nobody once the message is deleted, or before the upload is complete', () => {
    expect(canReadBlob({ ...attached, message_deleted_at: 5 }, { joined_seq: 0 }, 'alice')).toBe(false);
    expect(canReadBlob({ ...attached, completed_at: null }, { joined_seq: 0 }, 'bob')).toBe(false);
  });
  it('before a message carries it: only its uploader, still a member', () => {
    expect(canReadBlob(pending, { joined_seq: 10 }, 'alice')).toBe(true);
    expect(canReadBlob(pending, { joined_seq: 10 }, 'bob')).toBe(false);
    expect(canReadBlob(pending, undefined, 'alice')).toBe(false);
    expect(canReadBlob({ ...pending, completed_at: null }, { joined_seq: 10 }, 'alice')).toBe(false);
  });
});
