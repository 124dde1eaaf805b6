import { describe, expect, it } from 'vitest';
import { pushCount, pushEndpointAllowed } from './notifications.js';

const NOW = 1_000_000;
const bob = { username: 'bob', mutedUntil: null, mentionsOnly: false };

describe('pushCount', () => {
  it('counts the messages of others only', () => {
    expect(pushCount(bob, ['alice', 'bob', 'carol'], NOW)).toBe(2);
    expect(pushCount(bob, ['bob'], NOW)).toBe(0);
  });
  it('is 0 while muted, and counts again once the mute has run out', () => {
    expect(pushCount({ ...bob, mutedUntil: NOW + 1 }, ['alice'], NOW)).toBe(0);
    expect(pushCount({ ...bob, mutedUntil: NOW }, ['alice'], NOW)).toBe(1);
  });
  it('is 0 in "mentions only" (the server cannot see mentions)', () => {
    expect(pushCount({ ...bob, mentionsOnly: true }, ['alice'], NOW)).toBe(0);
  });
});

describe('pushEndpointAllowed', () => {
  const rules = { hosts: ['fcm.googleapis.com', 'push.services.mozilla.com'], allowHttp: false };
  it('accepts https on a known push service or its subdomain', () => {
    expect(pushEndpointAllowed('https://fcm.googleapis.com/fcm/send/abc', rules)).toBe(true);
    expect(pushEndpointAllowed('https://updates.push.services.mozilla.com/wpush/v2/x', rules)).toBe(true);
  });
  it('refuses other hosts, look-alikes, http, credentials and junk', () => {
    expect(pushEndpointAllowed('https://evil.example/fcm.googleapis.com', rules)).toBe(false);
    expect(pushEndpointAllowed('https://fcm.googleapis.com.evil.example/x', rules)).toBe(false);
    expect(pushEndpointAllowed('https://evilfcm.googleapis.com/x', rules)).toBe(false);
    expect(pushEndpointAllowed('http://fcm.googleapis.com/x', rules)).toBe(false);
    expect(pushEndpointAllowed('https://u:p@fcm.googleapis.com/x', rules)).toBe(false);
    expect(pushEndpointAllowed('not a url', rules)).toBe(false);
    expect(pushEndpointAllowed('http://127.0.0.1:1/x', { hosts: ['127.0.0.1'], allowHttp: true })).toBe(true);
  });
});
