import { useEffect, useState } from 'preact/hooks';

/** Whether a media query matches, live. */
export function useMediaQuery(query: string): boolean {
  const [matches, setMatches] = useState(() => window.matchMedia(query).matches);
  useEffect(() => {
    const list = window.matchMedia(query);
    const update = () => setMatches(list.matches);
    update();
    list.addEventListener('change', update);
    return () => list.removeEventListener('change', update);
  }, [query]);
  return matches;
}

/** The layout where the list and the chat are separate screens (keep in step with styles/chat.css). */
export const PHONE_QUERY = '(max-width: 720px)';
