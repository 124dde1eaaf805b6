export { ConversationEngine, type EngineEvents, type EngineOptions } from './conversation-engine.js';
export { e2eeCodec, plainCodec, type Codec } from './codec.js';
export type { Transport } from './transport.js';
export type { ConversationEntry, EngineMessage, EngineState, MessageWindow, SendStatus } from './types.js';
