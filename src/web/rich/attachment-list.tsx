/**
 * A message's files: images as their thumbnail at once (their real aspect ratio), then the full picture decrypted in
 * this page (an object URL), opened large on click; other files as a chip with name, size and Download. A file whose
 * hash or AEAD does not match shows an error, never bytes.
 */
import { useEffect, useRef, useState } from 'preact/hooks';
import type { Message, MessageAttachment } from '../../sdk/index.js';
import { useStore } from '../chat/chat-context.js';
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
  useEffect(() => {
    if (auto) void fetchIt();
    return () => {
      if (made.current) URL.revokeObjectURL(made.current);
    };
    // The message's files never change (an edit keeps them): fetched once per mount.
  }, [message.id, index]);
  return { url, error, busy, fetchIt };
}

function ImageAttachment({ message, index }: { message: Message; index: number }) {
  const a = message.attachments[index]!;
  const { url, error, fetchIt } = useDecrypted(message, index, a.size <= AUTO_BYTES);
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

function FileAttachment({ message, index }: { message: Message; index: number }) {
  const a = message.attachments[index]!;
  const { error, busy, fetchIt } = useDecrypted(message, index, false);
  const save = async () => {
    const url = await fetchIt();
    if (!url) return;
    const link = document.createElement('a');
    link.href = url;
    link.download = a.name;
    link.rel = 'noopener';
    link.click();
  };
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
  if (message.attachments.length === 0 || message.deleted) return null;
  return (
    <div class="attachments">
      {message.attachments.map((a, i) =>
        isPreviewable(a.type) ? <ImageAttachment key={a.blobId} message={message} index={i} /> : <FileAttachment key={a.blobId} message={message} index={i} />,
      )}
    </div>
  );
}
