import { useEffect, useState } from 'preact/hooks';
import type { SessionDto } from '../../sdk/index.js';
import { client } from '../client.js';
import { describeError, isUnauthenticated } from '../errors.js';
import { describeUserAgent, formatDateTime } from '../format.js';
import { useSessionActions } from '../session.js';
import { ErrorAlert, StatusMessage } from './messages.js';

/** Every session of the user, this one first; the others can be revoked. `version` changes force a reload. */
export function SessionList({ version }: { version: number }) {
  const { signedOut } = useSessionActions();
  const [sessions, setSessions] = useState<SessionDto[]>();
  const [error, setError] = useState<string>();
  const [status, setStatus] = useState<string>();
  const [revoking, setRevoking] = useState<string>();
  const [reloads, setReloads] = useState(0);

  useEffect(() => {
    let live = true;
    client.sessions.list().then(
      (list) => {
        if (!live) return;
        setSessions([...list].sort((a, b) => Number(b.current) - Number(a.current) || b.lastSeenAt.localeCompare(a.lastSeenAt)));
        setError(undefined);
      },
      (err: unknown) => {
        if (!live) return;
        if (isUnauthenticated(err)) signedOut(describeError(err));
        else setError(describeError(err));
      },
    );
    return () => {
      live = false;
    };
  }, [version, reloads, signedOut]);

  const revoke = async (session: SessionDto) => {
    setRevoking(session.id);
    setError(undefined);
    setStatus(undefined);
    try {
      await client.sessions.revoke(session.id);
      setStatus(`Signed out ${describeUserAgent(session.userAgent)} (last seen ${formatDateTime(session.lastSeenAt)}).`);
    } catch (err) {
      if (isUnauthenticated(err)) return signedOut(describeError(err));
      setError(describeError(err, { NOT_FOUND: 'That session had already ended.' }));
    } finally {
      setRevoking(undefined);
      setReloads((n) => n + 1);
    }
  };

  return (
    <>
      <StatusMessage message={status} />
      <ErrorAlert message={error} />
      {sessions === undefined && !error && <p aria-busy="true">Loading sessions…</p>}
      {sessions && (
        <ul class="session-list" aria-label="Signed-in devices">
          {sessions.map((s) => (
            <li key={s.id} class={s.current ? 'session session-current' : 'session'}>
              <div class="session-info">
                <p class="session-device">
                  {describeUserAgent(s.userAgent)}
                  {s.current && <span class="badge">This device</span>}
                </p>
                <p class="session-ua">{s.userAgent ?? 'No browser information'}</p>
                <dl class="session-times">
                  <div>
                    <dt>Signed in</dt>
                    <dd>
                      <time dateTime={s.createdAt}>{formatDateTime(s.createdAt)}</time>
                    </dd>
                  </div>
                  <div>
                    <dt>Last seen</dt>
                    <dd>
                      <time dateTime={s.lastSeenAt}>{formatDateTime(s.lastSeenAt)}</time>
                    </dd>
                  </div>
                </dl>
              </div>
              {!s.current && (
                <button
                  type="button"
                  class="button button-danger"
                  onClick={() => void revoke(s)}
                  disabled={revoking !== undefined}
                >
                  {revoking === s.id ? 'Revoking…' : 'Revoke'}
                  <span class="visually-hidden">
                    {' '}
                    session on {describeUserAgent(s.userAgent)}, signed in {formatDateTime(s.createdAt)}
                  </span>
                </button>
              )}
            </li>
          ))}
        </ul>
      )}
    </>
  );
}
