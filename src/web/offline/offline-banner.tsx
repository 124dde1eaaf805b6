/** The mark of a page opened without the server: what it shows was saved on this device, and what is written waits. */
export function OfflineBanner() {
  return (
    <div class="connection-banner offline-banner" role="status">
      <p class="offline-title">
        <span class="offline-dot" aria-hidden="true" />
        Offline
      </p>
      <p>Showing the conversations saved on this device. New messages wait here and are sent once you are back online.</p>
    </div>
  );
}
