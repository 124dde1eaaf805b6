import { OkResponse } from '../protocol/auth.js';
import { ConversationResponse, type ConversationDto } from '../protocol/conversations.js';
import { VapidKeyResponse, type MuteChoice, type PushSubscribeRequest } from '../protocol/notifications.js';
import type { HttpClient } from './http.js';

/** What a browser's `PushSubscription.toJSON()` gives (expirationTime and anything else is left out). */
export interface PushSubscriptionJson {
  endpoint?: string;
  keys?: Record<string, string>;
}

/**
 * Notification settings and Web Push (`client.notifications`). A conversation's mute and "mentions only" are the
 * user's own, kept by the server and sent to all their devices (the `conversation` event's `notify`). Push
 * subscriptions belong to this session and end with it.
 */
export class Notifications {
  constructor(
    /** The client's HTTP client (read late: the client builds it in its constructor, after its fields). */
    private readonly httpClient: () => HttpClient,
    private readonly applied: (conversation: ConversationDto) => void,
  ) {}

  /** Mutes a conversation for 1 hour, 8 hours, until turned off ('forever'), or unmutes it ('off'). */
  mute(conversationId: string, mute: MuteChoice): Promise<ConversationDto> {
    return this.set(conversationId, { mute });
  }

  /** Notifications only for messages that mention the user (the device decides; no push for such a conversation). */
  mentionsOnly(conversationId: string, mentionsOnly: boolean): Promise<ConversationDto> {
    return this.set(conversationId, { mentionsOnly });
  }

  /** The server's VAPID public key (base64url), the `applicationServerKey` of `pushManager.subscribe`. */
  async vapidPublicKey(): Promise<string> {
    return (await this.httpClient().request('GET', '/api/push/vapid-key', VapidKeyResponse)).publicKey;
  }

  /** Registers this browser's push subscription for the current session. */
  async subscribePush(subscription: PushSubscriptionJson): Promise<void> {
    const body: PushSubscribeRequest = {
      endpoint: subscription.endpoint ?? '',
      keys: { p256dh: subscription.keys?.p256dh ?? '', auth: subscription.keys?.auth ?? '' },
    };
    await this.httpClient().request('POST', '/api/push/subscription', OkResponse, body);
  }

  /** Removes a push subscription of this user (by its endpoint). */
  async unsubscribePush(endpoint: string): Promise<void> {
    await this.httpClient().request('DELETE', '/api/push/subscription', OkResponse, { endpoint });
  }

  private async set(conversationId: string, body: { mute?: MuteChoice; mentionsOnly?: boolean }): Promise<ConversationDto> {
    const { conversation } = await this.httpClient().request(
      'PUT',
      `/api/conversations/${encodeURIComponent(conversationId)}/notify`,
      ConversationResponse,
      body,
    );
    this.applied(conversation);
    return conversation;
  }
}
