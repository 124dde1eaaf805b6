/** What the server can and cannot know about you: stated plainly, so nothing here is a surprise later. */
export function PrivacySection() {
  return (
    <section class="card settings-section" id="settings-privacy" aria-labelledby="settings-privacy-heading">
      <h2 id="settings-privacy-heading">Privacy</h2>
      <ul class="settings-list">
        <li>Messages, file names and search stay end-to-end encrypted: the server stores only ciphertext.</li>
        <li>The server knows your user name, your contacts, which conversations you are in and when you were last seen.</li>
        <li>Your contacts see when you are online and when you have read their messages.</li>
      </ul>
    </section>
  );
}
