/** What the read rule looks at: the blob, the message carrying it, and the reader's membership (if any). */
export interface BlobFacts {
  uploader_id: string;
  completed_at: number | null;
  base_seq: number;
  message_id: string | null;
  message_seq: number | null;
  message_deleted_at: number | null;
}

/**
 * Blobs are read like the messages that carry them. A member reads a blob carried by a message they can see (sent
 * after they joined, not deleted). Before any message carries it, only its uploader (still a member) may read it: a
 * send binds its uploads in the transaction that stores the message (`blobIds`), so no reader ever sees the message
 * before its files. Nobody reads an incomplete upload, and a non-member (removed or never there) reads nothing.
 */
export function canReadBlob(blob: BlobFacts, member: { joined_seq: number } | undefined, readerId: string): boolean {
  if (!member || blob.completed_at === null) return false;
  if (blob.message_id === null) return blob.uploader_id === readerId && member.joined_seq <= blob.base_seq;
  if (blob.message_deleted_at !== null || blob.message_seq === null) return false;
  return blob.message_seq > member.joined_seq;
}

/** An upload in progress belongs to its uploader, who must still be a member; to anyone else it does not exist. */
export function canWriteUpload(blob: { uploader_id: string }, actorId: string, member: unknown): boolean {
  return blob.uploader_id === actorId && member !== undefined;
}
