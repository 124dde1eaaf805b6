import { useEffect, useState } from 'preact/hooks';
import type { DeviceDto } from '../../sdk/index.js';
import { client } from '../client.js';
import { describeError } from '../errors.js';
import { formatDateTime } from '../format.js';
import { ErrorAlert, StatusMessage } from './messages.js';

/**
 * The user's encryption devices (one per browser or app install), this one marked. Removing one takes it out of every
 * conversation and gives the history vault a new key it never sees.
 */
export function DeviceList() {
  const [devices, setDevices] = useState<DeviceDto[]>();
  const [error, setError] = useState<string>();
  const [status, setStatus] = useState<string>();
  const [removing, setRemoving] = useState<string>();
  const [reloads, setReloads] = useState(0);
  const [current, setCurrent] = useState<string>();

  useEffect(() => {
    let live = true;
    // This browser's device is known once the connection set it up: until then nothing is offered for removal.
    Promise.all([client.devices.list(), client.encryption.currentDevice()]).then(
      ([list, mine]) => {
        if (!live) return;
        setCurrent(mine);
        setDevices(list.filter((d) => d.revokedAt === null));
      },
      (err: unknown) => live && setError(describeError(err)),
    );
    return () => {
      live = false;
    };
  }, [reloads]);

  const remove = async (device: DeviceDto) => {
    setRemoving(device.deviceId);
    setError(undefined);
    setStatus(undefined);
    try {
      await client.devices.remove(device.deviceId);
      setStatus(`Removed device ${device.deviceId}: it can no longer read new messages.`);
    } catch (err) {
      setError(describeError(err));
    } finally {
      setRemoving(undefined);
      setReloads((n) => n + 1);
    }
  };

  return (
    <>
      <StatusMessage message={status} />
      <ErrorAlert message={error} />
      {devices === undefined && !error && <p aria-busy="true">Loading devices…</p>}
      {devices && (
        <ul class="session-list device-list-own" aria-label="Your encryption devices">
          {devices.map((d) => (
            <li key={d.deviceId} class={d.deviceId === current ? 'session session-current' : 'session'}>
              <div class="session-info">
                <p class="session-device">
                  Device {d.deviceId}
                  {d.deviceId === current && <span class="badge">This browser</span>}
                </p>
                <p class="session-ua">
                  Added <time dateTime={d.createdAt}>{formatDateTime(d.createdAt)}</time>
                </p>
              </div>
              {current !== undefined && d.deviceId !== current && (
                <button
                  type="button"
                  class="button button-small button-danger"
                  disabled={removing !== undefined}
                  onClick={() => void remove(d)}
                >
                  {removing === d.deviceId ? 'Removing…' : `Remove device ${d.deviceId}`}
                </button>
              )}
            </li>
          ))}
        </ul>
      )}
    </>
  );
}
