import type { FastifyInstance } from 'fastify';
import { OkResponse } from '../../../protocol/auth.js';
import { ConversationResponse } from '../../../protocol/conversations.js';
import {
  ConversationIdParams,
  PushSubscribeRequest,
  PushUnsubscribeRequest,
  SetConversationNotifyRequest,
  VapidKeyResponse,
} from '../../../protocol/notifications.js';
import { setConversationNotify } from '../../commands/notifications/conversation-notify.js';
import { subscribePush, unsubscribePush } from '../../commands/notifications/push-subscriptions.js';
import type { Deps } from '../../deps.js';
import { AppError } from '../../errors.js';
import { userRoute } from '../routing.js';

/** Notification settings per conversation, and this browser's Web Push subscription. */
export function registerNotificationRoutes(app: FastifyInstance, deps: Deps): void {
  userRoute(app, deps, { method: 'GET', url: '/api/push/vapid-key', response: VapidKeyResponse }, () => {
    if (!deps.push) throw new AppError('NOT_FOUND', 'Push is not enabled on this server.');
    return Promise.resolve({ publicKey: deps.push.publicKey });
  });

  userRoute(
    app,
    deps,
    { method: 'POST', url: '/api/push/subscription', body: PushSubscribeRequest, response: OkResponse },
    async ({ actor, body }) => {
      await subscribePush(deps, actor, body);
      return { ok: true as const };
    },
  );

  userRoute(
    app,
    deps,
    { method: 'DELETE', url: '/api/push/subscription', body: PushUnsubscribeRequest, response: OkResponse },
    async ({ actor, body }) => {
      await unsubscribePush(deps, actor, body.endpoint);
      return { ok: true as const };
    },
  );

  userRoute(
    app,
    deps,
    {
      method: 'PUT',
      url: '/api/conversations/:id/notify',
      params: ConversationIdParams,
      body: SetConversationNotifyRequest,
      response: ConversationResponse,
    },
    async ({ actor, params, body }) => ({ conversation: await setConversationNotify(deps, actor, params.id, body) }),
  );
}
