export interface ByteRange {
  start: number;
  /** Exclusive. */
  end: number;
  partial: boolean;
}

/**
 * One byte range from a `Range` header (RFC 9110 §14.1.2): `bytes=first-`, `bytes=first-last` or `bytes=-suffix`.
 * No header means the whole body. Several ranges in one request are not served (the answer stays a single part):
 * like an unsatisfiable range, they give undefined, answered 416.
 */
export function parseByteRange(header: string | undefined, size: number): ByteRange | undefined {
  if (header === undefined) return { start: 0, end: size, partial: false };
  const match = /^bytes=(\d{0,15})-(\d{0,15})$/.exec(header.trim());
  if (!match) return undefined;
  const [, first = '', last = ''] = match;
  if (first === '') {
    const suffix = Number(last);
    if (last === '' || suffix === 0 || size === 0) return undefined;
    return { start: Math.max(0, size - suffix), end: size, partial: true };
  }
  const start = Number(first);
  if (start >= size || (last !== '' && Number(last) < start)) return undefined;
  return { start, end: last === '' ? size : Math.min(size, Number(last) + 1), partial: true };
}
