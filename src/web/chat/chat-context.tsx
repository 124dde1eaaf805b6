import { createContext, type ComponentChildren } from 'preact';
import { useContext, useEffect, useReducer, useRef, useState } from 'preact/hooks';
import { client } from '../client.js';
import { useSessionActions } from '../session.js';
import type { ChatState } from './state.js';
import { ChatStore } from './store.js';

const ChatContext = createContext<ChatStore | undefined>(undefined);

/** One chat store per signed-in user, alive across the signed-in pages. */
export function ChatProvider({ username, children }: { username: string; children: ComponentChildren }) {
  const { signedOut } = useSessionActions();
  const [store] = useState(() => new ChatStore(client, username, signedOut));
  useEffect(() => {
    store.start();
    return () => store.dispose();
  }, [store]);
  return <ChatContext.Provider value={store}>{children}</ChatContext.Provider>;
}

export function useStore(): ChatStore {
  const store = useContext(ChatContext);
  if (!store) throw new Error('useStore: no ChatProvider above this component');
  return store;
}

/** A slice of the chat state; the component re-renders only when the slice changes (by identity). */
export function useChat<T>(select: (s: ChatState) => T): T {
  const store = useStore();
  const [, rerender] = useReducer((n: number) => n + 1, 0);
  const value = select(store.getState());
  const latest = useRef({ select, value });
  latest.current = { select, value };
  useEffect(() => {
    const check = () => {
      if (!Object.is(latest.current.select(store.getState()), latest.current.value)) rerender(0);
    };
    const unsubscribe = store.subscribe(check);
    // A change between this render and the subscription would otherwise be missed.
    check();
    return unsubscribe;
  }, [store]);
  return value;
}
