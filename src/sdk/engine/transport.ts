/** What the engine needs of the connection: requests with answers, and whether a connection exists and is up. */
import type { ClientEventName, ClientEventRequest, ClientEventResponse } from '../../protocol/realtime.js';

export interface Transport {
  request<E extends ClientEventName>(event: E, payload: ClientEventRequest<E>): Promise<ClientEventResponse<E>>;
  /** Connected right now. */
  readonly connected: boolean;
  /** A connection exists (connected, or reconnecting by itself); false once closed. */
  readonly active: boolean;
}
