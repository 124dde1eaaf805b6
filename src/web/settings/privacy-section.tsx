import { useEffect, useState } from 'preact/hooks';
import type { PrivacySettings } from '../../sdk/index.js';
import { TIMER_CHOICES, timerName } from '../chat/disappearing.js';
import { client } from '../client.js';
import { Switch } from '../components/switch.js';
import { describeError } from '../errors.js';

/**
 * Privacy: read receipts and typing indicators on or off, and the disappearing-message timer of new conversations.
 * The settings are the user's, kept by the server (which relays reading and typing, so it is the one to withhold
 * them) and applied on all their devices. Then what the server can and cannot know, stated plainly.
 */
export function PrivacySection() {
  const [settings, setSettings] = useState<PrivacySettings>();
  const [problem, setProblem] = useState<string>();
  const [saving, setSaving] = useState(false);

  useEffect(() => {
    let live = true;
    client.privacy.get().then(
      (s) => live && setSettings(s),
      (e: unknown) => live && setProblem(describeError(e)),
    );
    const off = client.on('privacy', (s) => live && setSettings(s));
    return () => {
      live = false;
      off();
    };
  }, []);

  const change = (next: Partial<PrivacySettings>) => {
    const before = settings;
    // Shown at once (a controlled checkbox would otherwise snap back until the server answers); undone on failure.
    if (before) setSettings({ ...before, ...next });
    setSaving(true);
    setProblem(undefined);
    client.privacy.set(next).then(
      (s) => {
        setSettings(s);
        setSaving(false);
      },
      (e: unknown) => {
        setSettings(before);
        setProblem(describeError(e));
        setSaving(false);
      },
    );
  };

  return (
    <section class="card settings-section" id="settings-privacy" aria-labelledby="settings-privacy-heading">
      <h2 id="settings-privacy-heading">Privacy</h2>
      {settings ? (
        <div class="privacy-switches">
          <Switch
            id="privacy-read-receipts"
            label="Read receipts"
            hint="Others see when you have read their messages. Off: they do not, and you do not see theirs."
            checked={settings.readReceipts}
            disabled={saving}
            onToggle={(on) => change({ readReceipts: on })}
          />
          <Switch
            id="privacy-typing-indicators"
            label="Typing indicators"
            hint="Others see when you are typing. Off: they do not, and you do not see theirs."
            checked={settings.typingIndicators}
            disabled={saving}
            onToggle={(on) => change({ typingIndicators: on })}
          />
          <label class="field">
            <span>Disappearing messages in new conversations</span>
            <select
              name="default-timer"
              value={settings.disappearingSeconds === null ? 'off' : String(settings.disappearingSeconds)}
              disabled={saving}
              onChange={(e) => change({ disappearingSeconds: e.currentTarget.value === 'off' ? null : Number(e.currentTarget.value) })}
            >
              {TIMER_CHOICES.map((s) => (
                <option key={String(s)} value={s === null ? 'off' : String(s)}>
                  {timerName(s)}
                </option>
              ))}
            </select>
            <small class="hint">Each conversation’s own timer is in its header; either side of a direct conversation, or a group’s admins, can change it.</small>
          </label>
        </div>
      ) : (
        !problem && <p class="hint">Loading…</p>
      )}
      {problem && (
        <p role="alert" class="alert alert-error">
          {problem}
        </p>
      )}
      <ul class="settings-list">
        <li>Messages, file names and search stay end-to-end encrypted: the server stores only ciphertext.</li>
        <li>The server knows your user name, your contacts, which conversations you are in and when you were last seen.</li>
        <li>Disappearing messages are erased from the server and from every device when their time is up; someone who copied one before then still has it.</li>
      </ul>
    </section>
  );
}
