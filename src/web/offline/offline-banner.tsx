import { useChat } from '../chat/chat-context.js';

/**
 * The mark of a page without the server (opened from the snapshot, or open when the network went): what it shows was
 * kept on this device, and what is written waits. `compact`: the one-line form above a conversation on a phone.
 */
export function OfflineBanner({ compact = false }: { compact?: boolean }) {
  return (
    <div class={`connection-banner offline-banner${compact ? ' is-compact' : ''}`} role="status">
      <p class="offline-title">
        <span class="offline-dot" aria-hidden="true" />
        Offline
      </p>
      {compact ? (
        <p>Showing what this device saved.</p>
      ) : (
        <p>Showing the conversations saved on this device. New messages wait here and are sent once you are back online.</p>
      )}
    </div>
  );
}

/** The state of the connection, above the list (and above a conversation on a phone): offline, or reconnecting. */
export function ConnectionBanner({ compact = false }: { compact?: boolean }) {
  const offline = useChat((s) => s.offline === true);
  const connected = useChat((s) => s.connected);
  const loaded = useChat((s) => s.loaded);
  const loadError = useChat((s) => s.loadError);
  if (offline) return <OfflineBanner compact={compact} />;
  if (connected || !loaded || loadError) return null;
  return (
    <p class={`connection-banner${compact ? ' is-compact' : ''}`} role="status">
      Reconnecting…
    </p>
  );
}
