import { v7 } from 'uuid';
import { fillRandom } from './security/tokens.js';

/**
 * Random bytes for 256 ids, drawn at once: uuid's own v7() calls getRandomValues for every id (2.2 µs an id here,
 * against 0.3 µs from this pool, measured over 300,000 ids).
 */
const pool = new Uint8Array(16 * 256);
let offset = pool.length;

function random16(): Uint8Array {
  if (offset + 16 > pool.length) {
    fillRandom(pool);
    offset = 0;
  }
  const bytes = pool.subarray(offset, offset + 16);
  offset += 16;
  return bytes;
}

/**
 * A time-ordered UUID (v7, RFC 9562): rows keyed by it go to the end of their index (ids of the same millisecond in
 * any order, all on its last page) instead of landing on a random page each. Its first 48 bits are the creation time
 * in milliseconds (already in every message), the rest random.
 */
export const timeOrderedId = (): string => v7({ random: random16() });
