import type { DomainEvent, EventPublisher } from '../events/domain-events.js';
import type { ParleyIo } from './io.js';
import { conversationRoom, sessionRoom, userRoom } from './rooms.js';

/** After-commit fan-out of domain events to socket rooms (on every instance, through the adapter). */
export function realtimePublisher(getIo: () => ParleyIo | undefined): EventPublisher {
  return {
    publish(event: DomainEvent) {
      const io = getIo();
      if (!io) return;
      switch (event.type) {
        case 'sessions.revoked': {
          if (event.sessionIds.length === 0) return;
          const rooms = event.sessionIds.map(sessionRoom);
          io.in(rooms).emit('session:revoked', { reason: event.reason });
          io.in(rooms).disconnectSockets(true);
          return;
        }
        case 'contact.changed':
          io.to(userRoom(event.toUserId)).emit('contact', { contact: event.contact });
          return;
        case 'profile.changed':
          io.to(event.userIds.map(userRoom)).emit('profile', event.event);
          return;
        case 'conversation.changed': {
          const first = event.views[0];
          if (first && event.joinUserIds.length > 0) {
            io.in(event.joinUserIds.map(userRoom)).socketsJoin(conversationRoom(first.conversation.id));
          }
          for (const view of event.views) io.to(userRoom(view.userId)).emit('conversation', { conversation: view.conversation });
          return;
        }
        case 'conversation.removed':
          // Leave first: nothing sent to the conversation after this reaches the removed member.
          io.in(userRoom(event.userId)).socketsLeave(conversationRoom(event.conversationId));
          io.to(userRoom(event.userId)).emit('conversation:removed', { conversationId: event.conversationId });
          return;
        case 'message.created':
          io.to(conversationRoom(event.message.conversationId)).emit('message', { message: event.message });
          return;
        case 'message.updated':
          io.to(conversationRoom(event.message.conversationId)).emit('message:updated', { message: event.message });
          return;
        case 'read': {
          const audience = event.audience;
          if (audience && !audience.everyone) io.to(userRoom(audience.readerId)).emit('read', event.event);
          else io.to(conversationRoom(event.event.conversationId)).except((audience?.withheldFrom ?? []).map(userRoom)).emit('read', event.event);
          return;
        }
        case 'privacy.changed':
          io.to(userRoom(event.userId)).emit('privacy', { privacy: event.privacy });
          return;
        case 'welcome.created':
          io.to(userRoom(event.userId)).emit('welcome', { welcome: event.welcome });
          return;
      }
    },
  };
}
