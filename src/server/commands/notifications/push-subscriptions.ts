import type { PushSubscribeRequest } from '../../../protocol/notifications.js';
import { deletePushSubscription, findPushSubscriptionByEndpoint, upsertPushSubscription } from '../../db/repositories/push.js';
import type { Deps } from '../../deps.js';
import { AppError, notFound } from '../../errors.js';
import { timeOrderedId } from '../../ids.js';
import type { Actor } from '../../policies/actor.js';
import { canRemovePushSubscription, pushEndpointAllowed } from '../../policies/notifications.js';

/**
 * Stores this browser's push subscription under the current session: it is deleted with the session (log-out,
 * revocation, expiry, a password change, the account's deletion). Only a known push service's endpoint is accepted.
 */
export async function subscribePush(deps: Deps, actor: Actor, request: PushSubscribeRequest): Promise<void> {
  if (!pushEndpointAllowed(request.endpoint, { hosts: deps.config.push.serviceHosts, allowHttp: deps.config.push.allowHttp })) {
    throw new AppError('VALIDATION_FAILED', 'The push endpoint is not on a push service this server sends to.');
  }
  await upsertPushSubscription(deps.db, {
    id: timeOrderedId(),
    user_id: actor.user.id,
    session_id: actor.session.id,
    endpoint: request.endpoint,
    p256dh: request.keys.p256dh,
    auth: request.keys.auth,
    created_at: Date.now(),
  });
}

/** Removes one of the user's own subscriptions (any other endpoint: NOT_FOUND). */
export async function unsubscribePush(deps: Deps, actor: Actor, endpoint: string): Promise<void> {
  const row = await findPushSubscriptionByEndpoint(deps.db, endpoint);
  if (!canRemovePushSubscription(actor, row)) throw notFound('No such push subscription.');
  await deletePushSubscription(deps.db, row.id);
}
