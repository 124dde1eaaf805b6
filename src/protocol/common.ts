import { z } from 'zod';

/** Base64url (no padding) encoding of exactly `bytes` bytes. */
export function base64UrlBytes(bytes: number) {
  const length = Math.ceil((bytes * 4) / 3);
  return z
    .string()
    .length(length, `must be ${bytes} bytes in base64url (${length} characters)`)
    .regex(/^[A-Za-z0-9_-]+$/, 'must be base64url without padding');
}

/** 3–32 characters of a-z 0-9 _ . - ; uniqueness is case-insensitive. */
export const Username = z
  .string()
  .min(3, 'user name must be at least 3 characters')
  .max(32, 'user name must be at most 32 characters')
  .regex(/^[A-Za-z0-9_.-]+$/, 'user name may hold only letters a-z, digits, "_", "." and "-"');
export type Username = z.infer<typeof Username>;

export const Id = z.uuid();
export type Id = z.infer<typeof Id>;

export const IsoDate = z.iso.datetime();
