/**
 * Byte helpers for Parley's own small encodings (device names, certificates, stored state envelopes).
 * Every variable-length field is length-prefixed (u16 or u32, big-endian), so no two field lists encode alike.
 * Encodings, not cryptography.
 */
import { MlsCryptoError } from './errors.js';

const utf8 = new TextEncoder();
const utf8Strict = new TextDecoder('utf-8', { fatal: true });

export function utf8Encode(value: string): Uint8Array {
  return utf8.encode(value);
}

/** Strict UTF-8 decoding: malformed input throws instead of yielding U+FFFD. */
export function utf8Decode(bytes: Uint8Array, where: string): string {
  try {
    return utf8Strict.decode(bytes);
  } catch {
    throw new MlsCryptoError('BAD_ENCODING', where, 'invalid UTF-8');
  }
}

export function concatBytes(...parts: Uint8Array[]): Uint8Array {
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let offset = 0;
  for (const p of parts) {
    out.set(p, offset);
    offset += p.length;
  }
  return out;
}

/** Constant-time equality for byte strings of public length. */
export function bytesEqual(a: Uint8Array, b: Uint8Array): boolean {
  if (a.length !== b.length) return false;
  let diff = 0;
  for (let i = 0; i < a.length; i++) diff |= (a[i] ?? 0) ^ (b[i] ?? 0);
  return diff === 0;
}

export function toHex(bytes: Uint8Array): string {
  let out = '';
  for (const b of bytes) out += b.toString(16).padStart(2, '0');
  return out;
}

export class ByteWriter {
  private readonly parts: Uint8Array[] = [];

  u8(value: number): this {
    this.parts.push(Uint8Array.of(value & 0xff));
    return this;
  }

  /** A field of at most 65,535 bytes, prefixed by its u16 length. */
  short(bytes: Uint8Array): this {
    if (bytes.length > 0xffff) throw new MlsCryptoError('BAD_ENCODING', 'ByteWriter.short', 'field too long');
    this.parts.push(Uint8Array.of(bytes.length >> 8, bytes.length & 0xff), bytes);
    return this;
  }

  /** A field of up to 4 GiB, prefixed by its u32 length. */
  long(bytes: Uint8Array): this {
    const n = bytes.length;
    this.parts.push(Uint8Array.of((n >>> 24) & 0xff, (n >>> 16) & 0xff, (n >>> 8) & 0xff, n & 0xff), bytes);
    return this;
  }

  text(value: string): this {
    return this.short(utf8Encode(value));
  }

  bytes(): Uint8Array {
    return concatBytes(...this.parts);
  }
}

/** Reads what ByteWriter wrote; every overrun or leftover byte is a BAD_ENCODING error naming `where`. */
export class ByteReader {
  private offset = 0;

  constructor(
    private readonly data: Uint8Array,
    private readonly where: string,
  ) {}

  private take(n: number): Uint8Array {
    if (this.offset + n > this.data.length) throw new MlsCryptoError('BAD_ENCODING', this.where, 'truncated input');
    const out = this.data.slice(this.offset, this.offset + n);
    this.offset += n;
    return out;
  }

  u8(): number {
    return this.take(1)[0] ?? 0;
  }

  short(): Uint8Array {
    const [hi = 0, lo = 0] = this.take(2);
    return this.take((hi << 8) | lo);
  }

  long(): Uint8Array {
    const [a = 0, b = 0, c = 0, d = 0] = this.take(4);
    return this.take(((a << 24) >>> 0) + (b << 16) + (c << 8) + d);
  }

  text(): string {
    return utf8Decode(this.short(), this.where);
  }

  /** Asserts the whole input was consumed: one byte string, one meaning. */
  end(): void {
    if (this.offset !== this.data.length) throw new MlsCryptoError('BAD_ENCODING', this.where, 'trailing bytes');
  }
}
