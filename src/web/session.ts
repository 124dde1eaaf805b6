import { createContext } from 'preact';
import { useContext } from 'preact/hooks';
import type { UserDto } from '../sdk/index.js';

/** What pages may do to the signed-in state of the app. */
export interface SessionActions {
  /** After sign-up or log-in (`connected`: the page already connected, end-to-end set-up included). */
  signedIn: (user: UserDto, connected?: boolean) => void;
  /** After log-out, or when the server says the session is gone; `notice` is shown on the log-in page. */
  signedOut: (notice?: string) => void;
}

export const SessionContext = createContext<SessionActions>({
  signedIn: () => undefined,
  signedOut: () => undefined,
});

export function useSessionActions(): SessionActions {
  return useContext(SessionContext);
}
