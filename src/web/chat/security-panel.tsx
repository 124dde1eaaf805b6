import { encode } from 'uqr';
import { useEffect, useRef, useState } from 'preact/hooks';
import { formatSafetyNumber, type DeviceDto, type Verification } from '../../sdk/index.js';
import { ErrorAlert } from '../components/messages.js';
import { useStore } from './chat-context.js';
import { formatFull } from './time.js';

/** The safety number as a QR code: SVG squares drawn by Preact (no HTML strings). */
function QrCode({ payload, label }: { payload: string; label: string }) {
  const { data, size } = encode(payload, { border: 2 });
  const cells: { x: number; y: number }[] = [];
  data.forEach((row, y) => row.forEach((dark, x) => dark && cells.push({ x, y })));
  return (
    <svg class="qr-code" viewBox={`0 0 ${size} ${size}`} role="img" aria-label={label} shape-rendering="crispEdges">
      <rect width={size} height={size} fill="#fff" />
      {cells.map(({ x, y }) => (
        <rect key={`${x},${y}`} x={x} y={y} width={1} height={1} fill="#000" />
      ))}
    </svg>
  );
}

/**
 * A direct conversation's security: the safety number with the contact (digits and QR code) to compare in person or
 * over another channel, marking it verified, the warning when their key changed, and the devices they use.
 */
export function SecurityPanel({ peer, onClose, onChange }: { peer: string; onClose: () => void; onChange: (v: Verification) => void }) {
  const store = useStore();
  const [verification, setVerification] = useState<Verification>();
  const [devices, setDevices] = useState<DeviceDto[]>();
  const [error, setError] = useState<string>();
  const [busy, setBusy] = useState(false);
  const heading = useRef<HTMLHeadingElement>(null);

  useEffect(() => heading.current?.focus(), []);
  useEffect(() => {
    let live = true;
    Promise.all([store.client.verification.get(peer), store.client.devices.list(peer)]).then(
      ([v, d]) => {
        if (!live) return;
        setVerification(v);
        setDevices(d);
        onChange(v);
      },
      (err: unknown) => live && setError(store.failure(err)),
    );
    return () => {
      live = false;
    };
  }, [store, peer, onChange]);

  const mark = async (verified: boolean) => {
    setBusy(true);
    setError(undefined);
    try {
      const v = await store.client.verification.setVerified(peer, verified);
      setVerification(v);
      onChange(v);
    } catch (err) {
      setError(store.failure(err));
    } finally {
      setBusy(false);
    }
  };

  return (
    <aside id="security-panel" class="members-panel security-panel" aria-labelledby="security-heading">
      <div class="members-head">
        <h3 id="security-heading" ref={heading} tabIndex={-1}>
          Security with {peer}
        </h3>
        <button type="button" class="icon-button" onClick={onClose}>
          <span aria-hidden="true">×</span>
          <span class="visually-hidden">Close security</span>
        </button>
      </div>
      <ErrorAlert message={error} />
      {verification?.keyChanged && (
        <p class={`key-warning${verification.wasVerified ? ' is-strong' : ''}`} role="alert">
          {verification.wasVerified
            ? `${peer}'s security key changed since you verified it. Compare safety numbers again before you trust this conversation.`
            : `${peer}'s security key changed (a reinstall, or someone else). Compare safety numbers to be sure.`}
        </p>
      )}
      {verification && (
        <>
          <p>Compare this number with {peer}, in person or by another channel you trust. If it matches, no one stands between you.</p>
          <p class="safety-number" aria-label={`Safety number ${verification.safetyNumber.replace(/(\d{5})/g, '$1 ')}`} data-testid="safety-number">
            {formatSafetyNumber(verification.safetyNumber).map((group, i) => (
              <span key={i}>{group}</span>
            ))}
          </p>
          <QrCode payload={verification.qrPayload} label={`QR code of the safety number with ${peer}`} />
          <p class="verification-state" data-testid="verification-state">
            {verification.verified ? `✓ You verified ${peer}.` : `${peer} is not verified.`}
          </p>
          <button type="button" class="button button-small" disabled={busy} onClick={() => void mark(!verification.verified)}>
            {verification.verified ? 'Clear verification' : 'Mark as verified'}
          </button>
        </>
      )}
      {devices && (
        <>
          <h4>{peer}'s devices</h4>
          <ul class="device-list" aria-label={`${peer}'s devices`}>
            {devices.map((d) => (
              <li key={d.deviceId}>
                Device {d.deviceId} <span class="device-added">added {formatFull(d.createdAt)}</span>
              </li>
            ))}
          </ul>
        </>
      )}
    </aside>
  );
}
