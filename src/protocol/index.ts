export * from './errors.js';
export * from './common.js';
export * from './auth.js';
export * from './contacts.js';
export * from './conversations.js';
export * from './messages.js';
export * from './e2e.js';
export * from './realtime.js';
export * from './blobs.js';
export * from './health.js';
export * from './notifications.js';
export * from './privacy.js';

export * from './profiles.js';
