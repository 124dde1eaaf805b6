/**
 * What the composer gains: files to send (attach button, drag and drop, paste of images), each image stripped of its
 * metadata and given a thumbnail before it is queued; and the banner of the message being answered.
 */
import { useRef, useState } from 'preact/hooks';
import type { AttachmentInput } from '../../sdk/index.js';
import { formatBytes } from './attachment-list.js';
import { ClipIcon } from './icons.js';
import { prepareFile } from './image-prep.js';
import { clearReply, useReplyTarget, type ReplyTarget } from './reply-state.js';

const MAX_FILES = 10;

interface Chosen {
  key: number;
  input: AttachmentInput;
  size: number;
  preview?: string;
}

let nextKey = 1;

/** Why a file is refused while offline: the outbox keeps text only. */
export const OFFLINE_FILES =
  'Files cannot be attached offline: only text waits on this device. Attach the file once you are back online.';

/** The files chosen for the next message; `offline`: none can be added (the outbox that keeps messages is text only). */
export function useComposerFiles(onError: (message: string | undefined) => void, offline = false) {
  const [files, setFiles] = useState<readonly Chosen[]>([]);
  const [preparing, setPreparing] = useState(0);
  const picker = useRef<HTMLInputElement>(null);

  const add = async (list: Iterable<File>) => {
    const incoming = [...list];
    if (incoming.length === 0) return;
    if (offline) {
      onError(OFFLINE_FILES);
      return;
    }
    if (files.length + incoming.length > MAX_FILES) {
      onError(`A message carries at most ${MAX_FILES} files.`);
      return;
    }
    onError(undefined);
    setPreparing((n) => n + incoming.length);
    for (const file of incoming) {
      try {
        const input = await prepareFile(file);
        const size = input.data instanceof Blob ? input.data.size : file.size;
        const preview = input.thumbnail ? URL.createObjectURL(new Blob([input.thumbnail as Uint8Array<ArrayBuffer>], { type: 'image/jpeg' })) : undefined;
        setFiles((now) => [...now, { key: nextKey++, input, size, ...(preview ? { preview } : {}) }]);
      } catch {
        onError(`"${file.name}" could not be read.`);
      } finally {
        setPreparing((n) => n - 1);
      }
    }
  };
  const remove = (key: number) =>
    setFiles((now) => {
      const gone = now.find((f) => f.key === key);
      if (gone?.preview) URL.revokeObjectURL(gone.preview);
      return now.filter((f) => f.key !== key);
    });
  /** The files to send, and the list emptied. */
  const take = (): AttachmentInput[] => {
    for (const f of files) if (f.preview) URL.revokeObjectURL(f.preview);
    const out = files.map((f) => f.input);
    setFiles([]);
    return out;
  };

  const handlers = {
    onDragOver: (e: DragEvent) => {
      if (e.dataTransfer?.types.includes('Files')) e.preventDefault();
    },
    onDrop: (e: DragEvent) => {
      if (!e.dataTransfer?.files.length) return;
      e.preventDefault();
      void add(e.dataTransfer.files);
    },
    onPaste: (e: ClipboardEvent) => {
      const pasted = [...(e.clipboardData?.files ?? [])];
      if (pasted.length === 0) return;
      e.preventDefault();
      void add(pasted);
    },
  };

  const button = (
    <>
      <input
        ref={picker}
        type="file"
        multiple
        class="visually-hidden"
        tabIndex={-1}
        aria-hidden="true"
        onChange={(e) => {
          const input = e.currentTarget;
          void add(input.files ?? []);
          input.value = '';
        }}
      />
      <button type="button" class="icon-button composer-attach" title="Attach files" onClick={() => (offline ? onError(OFFLINE_FILES) : picker.current?.click())}>
        <ClipIcon />
        <span class="visually-hidden">Attach files</span>
      </button>
    </>
  );

  const list =
    files.length > 0 || preparing > 0 ? (
      <ul class="composer-files" aria-label="Files to send">
        {files.map((f) => (
          <li key={f.key} class="composer-file">
            {f.preview && <img src={f.preview} alt="" class="composer-file-thumb" />}
            <span class="file-name" title={f.input.name}>{f.input.name}</span>
            <span class="file-size">{formatBytes(f.size)}</span>
            <button type="button" class="icon-button" onClick={() => remove(f.key)}>
              <span aria-hidden="true">×</span>
              <span class="visually-hidden">Remove {f.input.name}</span>
            </button>
          </li>
        ))}
        {preparing > 0 && <li class="composer-file is-preparing">Preparing {preparing} file{preparing > 1 ? 's' : ''}…</li>}
      </ul>
    ) : null;

  return { count: files.length, preparing: preparing > 0, take, handlers, button, list };
}

/** "Replying to bob: …" above the field, with a way out. */
export function ReplyBanner({ conversationId, target }: { conversationId: string; target: ReplyTarget | undefined }) {
  if (!target) return null;
  return (
    <div class="reply-banner">
      <span class="reply-banner-text">
        Replying to <strong>{target.sender}</strong>: {target.text}
      </span>
      <button type="button" class="icon-button" onClick={() => clearReply(conversationId)}>
        <span aria-hidden="true">×</span>
        <span class="visually-hidden">Cancel the reply</span>
      </button>
    </div>
  );
}

export { useReplyTarget, clearReply };
