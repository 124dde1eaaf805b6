import webpush from 'web-push';
import type { Db } from '../db/connect.js';
import { getOrCreateSecretText } from '../db/repositories/secrets.js';

/** The server's VAPID key pair (RFC 8292, P-256), base64url as web-push reads them. */
export interface VapidKeys {
  publicKey: string;
  privateKey: string;
}

const VAPID_SECRET = 'vapid-keys';

/**
 * The VAPID key pair: made by web-push at the first start and kept in the database (server_secrets), so every
 * instance and every restart signs with the same key and browsers' subscriptions stay valid.
 */
export async function loadVapidKeys(db: Db): Promise<VapidKeys> {
  const text = await getOrCreateSecretText(db, VAPID_SECRET, () => JSON.stringify(webpush.generateVAPIDKeys()));
  const parsed = JSON.parse(text) as Partial<VapidKeys>;
  if (typeof parsed.publicKey !== 'string' || typeof parsed.privateKey !== 'string') {
    throw new Error('loadVapidKeys: the stored VAPID key pair is malformed');
  }
  return { publicKey: parsed.publicKey, privateKey: parsed.privateKey };
}
