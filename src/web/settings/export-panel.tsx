import { useState } from 'preact/hooks';
import type { ExportProgress, UserDto } from '../../sdk/index.js';
import { client } from '../client.js';
import { ErrorAlert, StatusMessage } from '../components/messages.js';
import { describeError } from '../errors.js';
import { historyToHtml } from './export-html.js';

function save(name: string, type: string, content: string): void {
  const url = URL.createObjectURL(new Blob([content], { type }));
  const a = document.createElement('a');
  a.href = url;
  a.download = name;
  a.click();
  setTimeout(() => URL.revokeObjectURL(url), 1000);
}

/** Takes your history with you: decrypted on this device, saved as JSON or a readable HTML page. */
export function ExportPanel({ user }: { user: UserDto }) {
  const [progress, setProgress] = useState<ExportProgress>();
  const [busy, setBusy] = useState(false);
  const [status, setStatus] = useState<string>();
  const [error, setError] = useState<string>();

  const run = async (format: 'json' | 'html') => {
    setBusy(true);
    setError(undefined);
    setStatus(undefined);
    try {
      const history = await client.exportHistory(setProgress);
      const day = history.exportedAt.slice(0, 10);
      if (format === 'json') save(`parley-history-${user.username}-${day}.json`, 'application/json', JSON.stringify(history, null, 2));
      else save(`parley-history-${user.username}-${day}.html`, 'text/html', historyToHtml(history));
      const messages = history.conversations.reduce((n, c) => n + c.messages.length, 0);
      setStatus(`Saved ${messages} messages from ${history.conversations.length} conversations.`);
    } catch (err) {
      setError(describeError(err));
    } finally {
      setBusy(false);
      setProgress(undefined);
    }
  };

  return (
    <div class="settings-export">
      <h3 class="settings-subheading">Export your history</h3>
      <p class="hint">Everything this browser can read, decrypted here and saved to your device. Nothing is sent anywhere.</p>
      <div class="settings-actions">
        <button type="button" class="button button-secondary" disabled={busy} onClick={() => void run('json')}>
          Download as JSON
        </button>
        <button type="button" class="button button-secondary" disabled={busy} onClick={() => void run('html')}>
          Download as a web page
        </button>
      </div>
      {progress && (
        <div class="field">
          <label for="export-progress">Exporting conversations</label>
          <progress id="export-progress" max={Math.max(progress.total, 1)} value={progress.done}>
            {progress.done} of {progress.total}
          </progress>
          <p class="hint">
            {progress.done} of {progress.total} conversations, {progress.messages} messages
          </p>
        </div>
      )}
      <StatusMessage message={status} />
      <ErrorAlert message={error} />
    </div>
  );
}
