/** The server's socket events, parsed by their protocol schemas, into the client's engine and its listeners. */
import { serverEvents, type ServerEventName } from '../protocol/realtime.js';
import type { ClientEvents } from './client-options.js';
import type { E2eeApi } from './e2ee/api.js';
import type { ConversationEngine } from './engine/conversation-engine.js';
import { ParleyError } from './errors.js';
import type { ParleySocket } from './realtime.js';
import type { PrivacySettings } from './privacy.js';

/** What the events reach in the client. */
export interface ServerEventTarget {
  engine: ConversationEngine;
  emit: <K extends keyof ClientEvents>(event: K, ...args: Parameters<ClientEvents[K]>) => void;
  /** The end-to-end layer, if open. */
  e2ee: () => E2eeApi | undefined;
  /** The signed-in user's name. */
  username: () => string | undefined;
  /** The session ended elsewhere: forget it (then `signedOut` is emitted). */
  signOut: () => void;
  /** The privacy settings changed on another of the user's devices. */
  privacyTold: (settings: PrivacySettings) => void;
}

export function listenToServer(socket: ParleySocket, client: ServerEventTarget): void {
  const { engine, emit } = client;
  // Every server event is parsed by its protocol schema; a malformed one is dropped and reported.
  const on = <E extends ServerEventName>(event: E, handle: (payload: ReturnType<(typeof serverEvents)[E]['parse']>) => void) => {
    (socket.on as (ev: string, fn: (p: unknown) => void) => void)(event, (payload) => {
      const parsed = serverEvents[event].safeParse(payload);
      if (parsed.success) handle(parsed.data as ReturnType<(typeof serverEvents)[E]['parse']>);
      else emit('error', new ParleyError('BAD_RESPONSE', `Malformed ${event} event.`));
    });
  };
  socket.on('connect', () => emit('connectionChange', true));
  socket.on('disconnect', () => emit('connectionChange', false));
  on('session:revoked', ({ reason }) => {
    client.signOut();
    emit('signedOut', reason);
  });
  on('message', ({ message }) => engine.accept(message));
  // In order with the conversation's messages: an edit decoded just before must not be overtaken.
  on('message:updated', ({ message }) => engine.updated(message));
  on('contact', ({ contact }) => emit('contact', contact));
  on('presence', (p) => emit('presence', p));
  on('conversation', ({ conversation }) => {
    engine.conversationChanged(conversation);
    emit('conversation', conversation);
  });
  on('conversation:removed', ({ conversationId }) => {
    engine.conversationRemoved(conversationId);
    client.e2ee()?.conversationRemoved(conversationId).catch((e: unknown) => emit('error', e));
    emit('conversationRemoved', conversationId);
  });
  on('welcome', ({ welcome }) => {
    client.e2ee()?.welcomed(welcome).catch((e: unknown) => emit('error', e));
  });
  on('typing', (t) => emit('typing', t));
  on('profile', (p) => emit('profile', p));
  on('privacy', ({ privacy }) => {
    client.privacyTold(privacy);
    emit('privacy', privacy);
  });
  on('read', (r) => {
    if (r.username === client.username()) engine.readMoved(r.conversationId, r.seq);
    emit('read', r);
  });
}
