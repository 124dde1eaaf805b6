/**
 * A message's files: images as their thumbnail at once (their real aspect ratio), then the full picture decrypted in
 * this page (an object URL), opened large on click; other files as a chip with name, size and Download. A file whose
 * hash or AEAD does not match shows an error, never bytes. Offline, a file not already open here is a chip that says
 * "Not available offline" (one read from the offline snapshot has no key at all: src/web/offline/snapshot.ts).
 */
import { useEffect, useRef, useState } from 'preact/hooks';
import type { Message, MessageAttachment } from '../../sdk/index.js';
import { useChat, useStore } from '../chat/chat-context.js';
import { fromSnapshot } from '../offline/snapshot.js';
import { FileIcon } from './icons.js';
import { isPreviewable } from './image-prep.js';

/** Full images up to this size are fetched by themselves; larger ones wait for a click. */
const AUTO_BYTES = 8 * 1024 * 1024;

export function formatBytes(n: number): string {
  if (n < 1024) return `${n} B`;
  if (n < 1024 * 1024) return `${(n / 1024).toFixed(n < 10 * 1024 ? 1 : 0)} KB`;
  if (n < 1024 ** 3) return `${(n / 1024 / 1024).toFixed(1)} MB`;
  return `${(n / 1024 ** 3).toFixed(2)} GB`;
}

const thumbUrl = (a: MessageAttachment) =>
  a.thumbnail ? `data:image/jpeg;base64,${a.thumbnail.replace(/-/g, '+').replace(/_/g, '/')}` : undefined;

function useDecrypted(message: Message, index: number, auto: boolean) {
  const store = useStore();
  const [url, setUrl] = useState<string>();
  const [error, setError] = useState<string>();
  const [busy, setBusy] = useState(false);
  const made = useRef<string>();
  const fetchIt = async (): Promise<string | undefined> => {
    if (made.current) return made.current;
    setBusy(true);
    setError(undefined);
    try {
      const bytes = await store.client.attachments.download(message, index);
      const a = message.attachments[index];
      made.current = URL.createObjectURL(new Blob([bytes as Uint8Array<ArrayBuffer>], { type: a && isPreviewable(a.type) ? a.type : 'application/octet-stream' }));
      setUrl(made.current);
      return made.current;
    } catch (err) {
      setError(store.failure(err, { FILE_CORRUPT: 'This file was altered: it does not match what the sender sent.', NOT_FOUND: 'This file is no longer available.' }));
      return undefined;
    } finally {
      setBusy(false);
    }
  };
  // The message's files never change (an edit keeps them): fetched once per mount (or once back online).
  useEffect(() => {
    if (auto) void fetchIt();
  }, [message.id, index, auto]);
  useEffect(
    () => () => {
      if (made.current) URL.revokeObjectURL(made.current);
      made.current = undefined;
    },
    [message.id, index],
  );
  return { url, error, busy, fetchIt };
}

/** A file this page cannot open now (offline): its name and size, and why there is nothing to open. */
function UnavailableFile({ attachment: a }: { attachment: MessageAttachment }) {
  return (
    <div class="attachment attachment-file is-unavailable">
      <FileIcon />
      <span class="file-name" title={a.name}>{a.name}</span>
      <span class="file-size">{formatBytes(a.size)}</span>
      <span class="attachment-offline">Not available offline</span>
    </div>
  );
}

function ImageAttachment({ message, index, offline }: { message: Message; index: number; offline: boolean }) {
  const a = message.attachments[index]!;
  const { url, error, fetchIt } = useDecrypted(message, index, a.size <= AUTO_BYTES && !offline);
  const [open, setOpen] = useState(false);
  const dialog = useRef<HTMLDialogElement>(null);
  useEffect(() => {
    if (open) dialog.current?.showModal?.();
  }, [open]);
  const src = url ?? thumbUrl(a);
  const show = async () => {
    if (!url) await fetchIt();
    setOpen(true);
  };
  // Offline, a picture already decrypted here stays; one that is not cannot be fetched.
  if (offline && !url) return <UnavailableFile attachment={a} />;
  return (
    <figure class="attachment attachment-image">
      <button type="button" class="attachment-image-button" onClick={() => void show()} aria-label={`Open image ${a.name}`}>
        {src ? (
          <img src={src} alt={a.name} width={a.width} height={a.height} loading="lazy" decoding="async" />
        ) : (
          <span class="attachment-placeholder">{a.name}</span>
        )}
      </button>
      {error && <p class="attachment-error" role="alert">{error}</p>}
      {open && url && (
        <dialog ref={dialog} class="image-viewer" aria-label={a.name} onClose={() => setOpen(false)} onClick={(e) => e.target === dialog.current && dialog.current?.close()}>
          <img src={url} alt={a.name} />
          <p class="image-viewer-bar">
            <span class="image-viewer-name">{a.name}</span>
            <a class="button button-small button-secondary" href={url} download={a.name}>
              Download
            </a>
            <button type="button" class="button button-small button-secondary" onClick={() => dialog.current?.close()}>
              Close
            </button>
          </p>
        </dialog>
      )}
    </figure>
  );
}

function FileAttachment({ message, index, offline }: { message: Message; index: number; offline: boolean }) {
  const a = message.attachments[index]!;
  const { url, error, busy, fetchIt } = useDecrypted(message, index, false);
  const save = async () => {
    const url = await fetchIt();
    if (!url) return;
    const link = document.createElement('a');
    link.href = url;
    link.download = a.name;
    link.rel = 'noopener';
    link.click();
  };
  if (offline && !url) return <UnavailableFile attachment={a} />;
  return (
    <div class="attachment attachment-file">
      <FileIcon />
      <span class="file-name" title={a.name}>{a.name}</span>
      <span class="file-size">{formatBytes(a.size)}</span>
      <button type="button" class="button button-small button-secondary" disabled={busy} onClick={() => void save()}>
        {busy ? 'Decrypting…' : 'Download'}
        <span class="visually-hidden"> {a.name}</span>
      </button>
      {error && <p class="attachment-error" role="alert">{error}</p>}
    </div>
  );
}

export function AttachmentList({ message }: { message: Message }) {
  const offline = useChat((s) => s.offline === true);
  if (message.attachments.length === 0 || message.deleted) return null;
  return (
    <div class="attachments">
      {message.attachments.map((a, i) =>
        fromSnapshot(a) ? (
          <UnavailableFile key={a.blobId} attachment={a} />
        ) : isPreviewable(a.type) ? (
          <ImageAttachment key={a.blobId} message={message} index={i} offline={offline} />
        ) : (
          <FileAttachment key={a.blobId} message={message} index={i} offline={offline} />
        ),
      )}
    </div>
  );
}
