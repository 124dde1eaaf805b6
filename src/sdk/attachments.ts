/**
 * Encrypted attachments: files are encrypted on this device under a fresh key (crypto/file-crypto.ts), uploaded over
 * HTTP in resumable pieces, and described by an AttachmentDescriptor that travels only inside the MLS message. The
 * server stores opaque ciphertext and learns its size, nothing else. Neither side ever holds a whole file in memory
 * unless asked to (`download` returns one Uint8Array; `stream` does not).
 */
import { BlobOkResponse, encryptedFileSize, UploadStatus } from '../protocol/blobs.js';
import { AttachmentDescriptor } from './content/attachment.js';
import { base64UrlToBytes, bytesToBase64Url } from './encoding.js';
import { errorCode, isConnectionError, ParleyError } from './errors.js';
import type { HttpClient } from './http.js';
import type { Message } from './message-stream.js';

/** The file encryption (libsodium and hash-wasm's WebAssembly), loaded the first time a file is sent or fetched. */
const fileCrypto = () => import('./crypto/file-crypto.js');

/** Ciphertext bytes per upload request: what is resent at most after a dropped connection. */
export const UPLOAD_REQUEST_BYTES = 4 * 1024 * 1024;
/** Plaintext read from a Blob or buffer at a time. */
const READ_BYTES = 1024 * 1024;
/** Attempts to resume one transfer after dropped connections before giving up. */
const MAX_RESUMES = 8;

export type AttachmentData = Uint8Array | Blob | ReadableStream<Uint8Array> | AsyncIterable<Uint8Array>;

export interface AttachmentInput {
  name: string;
  type: string;
  data: AttachmentData;
  /** The plaintext size: required for a stream, checked for the others. */
  size?: number;
  width?: number;
  height?: number;
  /** A small image made on this device (it travels inside the message, encrypted by MLS). */
  thumbnail?: Uint8Array;
}

export interface TransferOptions {
  /** Bytes of ciphertext transferred so far, of the total. */
  onProgress?: (done: number, total: number) => void;
  /** Cancels the transfer: the promise (or stream) fails with ABORTED. */
  signal?: AbortSignal;
}

const isStream = (data: AttachmentData): data is ReadableStream<Uint8Array> =>
  typeof (data as ReadableStream<Uint8Array>).getReader === 'function';
const isBlob = (data: AttachmentData): data is Blob => typeof Blob !== 'undefined' && data instanceof Blob;

function plaintextSize(input: AttachmentInput): number {
  const known = input.data instanceof Uint8Array ? input.data.length : isBlob(input.data) ? input.data.size : undefined;
  const size = known ?? input.size;
  if (size === undefined) throw new ParleyError('VALIDATION_FAILED', 'A file given as a stream needs its size.');
  if (input.size !== undefined && input.size !== size) {
    throw new ParleyError('VALIDATION_FAILED', `The file is ${size} bytes, not ${input.size}.`);
  }
  return size;
}

async function* readData(data: AttachmentData, size: number): AsyncGenerator<Uint8Array> {
  let count = 0;
  const pieces = async function* (): AsyncGenerator<Uint8Array> {
    if (data instanceof Uint8Array) {
      for (let at = 0; at < data.length; at += READ_BYTES) yield data.subarray(at, at + READ_BYTES);
    } else if (isBlob(data)) {
      for (let at = 0; at < data.size; at += READ_BYTES) yield new Uint8Array(await data.slice(at, at + READ_BYTES).arrayBuffer());
    } else if (isStream(data)) {
      const reader = data.getReader();
      try {
        for (;;) {
          const { done, value } = await reader.read();
          if (done) return;
          yield value;
        }
      } finally {
        reader.releaseLock();
      }
    } else {
      yield* data;
    }
  };
  for await (const piece of pieces()) {
    count += piece.length;
    if (count > size) break;
    yield piece;
  }
  if (count !== size) throw new ParleyError('VALIDATION_FAILED', `The file's stream gave ${count} bytes, not ${size}.`);
}

function delay(ms: number, signal: AbortSignal | undefined): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal?.aborted) {
      reject(new ParleyError('ABORTED', 'The transfer was cancelled.'));
      return;
    }
    const timer = setTimeout(resolve, ms);
    signal?.addEventListener('abort', () => {
      clearTimeout(timer);
      reject(new ParleyError('ABORTED', 'The transfer was cancelled.'));
    }, { once: true });
  });
}

/** A file to fetch: its descriptor, or a message and the index of one of its files. */
export type FileRef = AttachmentDescriptor | Message;

function descriptorOf(ref: FileRef, index: number): AttachmentDescriptor {
  if (!('attachments' in ref)) return ref;
  const d = ref.attachments[index];
  if (!d) throw new ParleyError('NOT_FOUND', `That message has no file number ${index}.`);
  return d;
}

/** `(ref, index?, options?)` or `(descriptor, options?)`. */
function fileArgs(ref: FileRef, index: number | TransferOptions | undefined, options: TransferOptions | undefined) {
  const i = typeof index === 'number' ? index : 0;
  return { descriptor: descriptorOf(ref, i), options: (typeof index === 'object' ? index : options) ?? {} };
}

const backoff = (attempt: number) => Math.min(2_000, 100 * 2 ** attempt);
const retryable = (err: unknown) => isConnectionError(err) || errorCode(err) === 'CONFLICT';
const blobPath = (id: string) => `/api/blobs/${encodeURIComponent(id)}`;

export class Attachments {
  constructor(private readonly http: HttpClient) {}

  /**
   * Encrypts and uploads one file for a conversation; resolves with its descriptor, to send inside the message
   * (`blobId` also goes in the send's `blobIds`, or to `attach`). Resumes by itself after a dropped connection.
   */
  async upload(conversationId: string, input: AttachmentInput, options: TransferOptions = {}): Promise<AttachmentDescriptor> {
    const { onProgress, signal } = options;
    const size = plaintextSize(input);
    const total = encryptedFileSize(size);
    const { encryptFile, newFileKey, rechunk, sha256Stream } = await fileCrypto();
    const created = await this.http.request('POST', '/api/blobs', UploadStatus, { conversationId, size: total });
    const key = await newFileKey();
    const hasher = await sha256Stream();
    let offset = 0;
    try {
      // Each request's body is sent (and hashed) before the next is cut: one buffer serves them all.
      for await (const body of rechunk(encryptFile(key, readData(input.data, size)), UPLOAD_REQUEST_BYTES, { buffers: 1 })) {
        if (signal?.aborted) throw new ParleyError('ABORTED', 'The transfer was cancelled.');
        hasher.update(body);
        await this.sendPiece(created.blobId, offset, body, signal);
        offset += body.length;
        onProgress?.(offset, total);
      }
    } catch (err) {
      // A cancelled or failed upload frees its quota at once (else the server collects it after a day).
      await this.http.request('DELETE', blobPath(created.blobId), BlobOkResponse, {}).catch(() => undefined);
      throw err;
    }
    return AttachmentDescriptor.parse({
      blobId: created.blobId,
      key: bytesToBase64Url(key),
      hash: bytesToBase64Url(hasher.digest()),
      name: input.name,
      type: input.type,
      size,
      ...(input.width !== undefined ? { width: input.width } : {}),
      ...(input.height !== undefined ? { height: input.height } : {}),
      ...(input.thumbnail ? { thumbnail: bytesToBase64Url(input.thumbnail) } : {}),
    });
  }

  /** Deletes an upload of yours that no message carries (frees its quota). */
  async remove(blobId: string): Promise<void> {
    await this.http.request('DELETE', blobPath(blobId), BlobOkResponse, {});
  }

  /** Binds uploaded files to a sent message of yours (a send with files binds them itself, in its transaction). */
  async attach(messageId: string, blobIds: string[]): Promise<void> {
    await this.http.request('POST', '/api/blobs/attach', BlobOkResponse, { messageId, blobIds });
  }

  /** Where an upload got to (bytes stored on the server). */
  status(blobId: string): Promise<UploadStatus> {
    return this.http.request('GET', `${blobPath(blobId)}/upload`, UploadStatus);
  }

  /** One request's bytes, resent from where the server got to after a dropped connection. */
  private async sendPiece(blobId: string, start: number, body: Uint8Array, signal: AbortSignal | undefined): Promise<void> {
    const end = start + body.length;
    let at = start;
    for (let attempt = 0; ; attempt++) {
      try {
        const res = await this.http.binary('PATCH', blobPath(blobId), {
          headers: { 'content-type': 'application/octet-stream', 'upload-offset': String(at) },
          body: body.subarray(at - start) as Uint8Array<ArrayBuffer>,
          ...(signal ? { signal } : {}),
        });
        const status = UploadStatus.safeParse(await res.json().catch(() => undefined));
        if (!status.success || status.data.offset !== end) {
          throw new ParleyError('BAD_RESPONSE', 'The server did not store the bytes it was sent.');
        }
        return;
      } catch (err) {
        if (!retryable(err) || attempt >= MAX_RESUMES) throw err;
      }
      await delay(backoff(attempt), signal);
      const status = await this.status(blobId).catch((err: unknown) => {
        if (retryable(err)) return undefined;
        throw err;
      });
      if (!status) continue;
      if (status.offset < start || status.offset > end) {
        throw new ParleyError('CONFLICT', `The upload cannot resume: the server holds ${status.offset} bytes.`);
      }
      at = status.offset;
      if (at === end) return;
    }
  }

  /**
   * Downloads, decrypts and verifies a file; resolves with its bytes only once the hash matched (FILE_CORRUPT
   * otherwise, with no data). Resumes after a dropped connection.
   */
  async download(ref: FileRef, index?: number | TransferOptions, transfer?: TransferOptions): Promise<Uint8Array> {
    const { descriptor, options } = fileArgs(ref, index, transfer);
    const d = AttachmentDescriptor.parse(descriptor);
    const out = new Uint8Array(d.size);
    let at = 0;
    for await (const piece of this.stream(d, options)) {
      if (at + piece.length > out.length) throw new ParleyError('FILE_CORRUPT', 'The file is longer than announced.');
      out.set(piece, at);
      at += piece.length;
    }
    return out;
  }

  /**
   * The streaming form: decrypted pieces as they arrive (each authenticated by the AEAD). The stream fails at its
   * end with FILE_CORRUPT if the ciphertext's hash is not the announced one: a consumer must drop what it got then.
   */
  async *stream(ref: FileRef, index?: number | TransferOptions, transfer?: TransferOptions): AsyncGenerator<Uint8Array> {
    const { descriptor, options } = fileArgs(ref, index, transfer);
    const d = AttachmentDescriptor.parse(descriptor);
    const { assertHash, decryptFile, FileIntegrityError, sha256Stream } = await fileCrypto();
    const hasher = await sha256Stream();
    const ciphertext = this.fetchCiphertext(d.blobId, encryptedFileSize(d.size), hasher, options);
    let produced = 0;
    try {
      for await (const piece of decryptFile(base64UrlToBytes(d.key), ciphertext)) {
        produced += piece.length;
        if (produced > d.size) throw new FileIntegrityError('The file is longer than announced.');
        yield piece;
      }
      if (produced !== d.size) throw new FileIntegrityError('The file is shorter than announced.');
      assertHash(hasher.digest(), base64UrlToBytes(d.hash));
    } catch (err) {
      if (err instanceof FileIntegrityError) throw new ParleyError('FILE_CORRUPT', err.message);
      throw err;
    }
  }

  private async *fetchCiphertext(
    blobId: string,
    total: number,
    hasher: { update(bytes: Uint8Array): void },
    { onProgress, signal }: TransferOptions,
  ): AsyncGenerator<Uint8Array> {
    let received = 0;
    for (let attempt = 0; received < total; attempt++) {
      let reader: ReadableStreamDefaultReader<Uint8Array> | undefined;
      try {
        const res = await this.http.binary('GET', blobPath(blobId), {
          headers: received > 0 ? { range: `bytes=${received}-` } : {},
          ...(signal ? { signal } : {}),
        });
        if (received > 0 && res.status !== 206) throw new ParleyError('BAD_RESPONSE', 'The server did not resume the download.');
        if (!res.body) throw new ParleyError('BAD_RESPONSE', 'The download has no body.');
        reader = res.body.getReader();
        for (;;) {
          const { done, value } = await reader.read();
          if (done) break;
          if (received + value.length > total) throw new ParleyError('FILE_CORRUPT', 'The file is longer than announced.');
          received += value.length;
          hasher.update(value);
          onProgress?.(received, total);
          yield value;
        }
      } catch (err) {
        if (signal?.aborted) throw new ParleyError('ABORTED', 'The transfer was cancelled.');
        const dropped = isConnectionError(err) || (err instanceof TypeError && received < total);
        if (!dropped || attempt >= MAX_RESUMES) throw dropped ? new ParleyError('NETWORK', 'The download kept failing.') : err;
        await delay(backoff(attempt), signal);
      } finally {
        reader?.releaseLock();
      }
    }
  }
}
