import type { E2eeApi } from './e2ee/api.js';

/** The open end-to-end layer of a connected client. */
export interface OpenedE2ee {
  api: E2eeApi;
  deviceId: string;
  username: string;
}
