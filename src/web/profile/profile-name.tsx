import { useProfile } from './use-profiles.js';

/** A user's display name, shown beside their user name (the stable handle) once their profile opens; as text. */
export function ProfileName({ username }: { username: string | undefined }) {
  const name = useProfile(username)?.displayName;
  if (!name) return null;
  return <span class="profile-name"> {name}</span>;
}
