/** Small pieces shared by the chat components. */
import { useProfile } from '../profile/use-profiles.js';

const AVATAR_COLOURS = 8;

function colourOf(name: string): number {
  let h = 0;
  for (const ch of name.toLowerCase()) h = (h * 31 + (ch.codePointAt(0) ?? 0)) >>> 0;
  return h % AVATAR_COLOURS;
}

/**
 * A round badge with the first letter of a name, or `user`'s profile picture once it opens (decorative: the name is
 * always shown next to it).
 */
export function Avatar({ name, user, group = false, size = 'medium' }: { name: string; user?: string | undefined; group?: boolean; size?: 'small' | 'medium' }) {
  const picture = useProfile(group ? undefined : user)?.avatarUrl;
  if (picture) return <img class={`avatar avatar-${size} avatar-picture`} src={picture} alt="" aria-hidden="true" />;
  const initial = [...name.trim()][0]?.toUpperCase() ?? '?';
  return (
    <span class={`avatar avatar-${size} avatar-c${colourOf(name)}${group ? ' avatar-group' : ''}`} aria-hidden="true">
      {initial}
    </span>
  );
}

/** A green or grey dot with its meaning as text for assistive technology. */
export function PresenceDot({ online }: { online: boolean }) {
  return (
    <span class={`presence-dot ${online ? 'is-online' : 'is-offline'}`} title={online ? 'Online' : 'Offline'}>
      <span class="visually-hidden">{online ? ' (online)' : ' (offline)'}</span>
    </span>
  );
}

/** A count in a pill, e.g. unread messages; `label` says what is counted ("unread", "requests"). */
export function CountBadge({ count, label }: { count: number; label: string }) {
  if (count <= 0) return null;
  return (
    <span class="count-badge">
      {count > 999 ? '999+' : count}
      <span class="visually-hidden"> {label}</span>
    </span>
  );
}
