import { z } from 'zod';
import { base64UrlBytes, Id, IsoDate, Username } from './common.js';

/** Client-side key derivation parameters (Argon2id). Upper bounds keep clients safe from a hostile server. */
export const KdfParams = z.strictObject({
  algorithm: z.literal('argon2id'),
  memoryKiB: z.number().int().min(8).max(1_048_576),
  iterations: z.number().int().min(1).max(20),
  parallelism: z.number().int().min(1).max(4),
});
export type KdfParams = z.infer<typeof KdfParams>;

/**
 * The password KDF every client uses by default and the server's minimum: Argon2id, 64 MiB, t=3, p=1. Prelogin for a
 * missing account answers these, so they must equal what real accounts carry.
 */
export const DEFAULT_KDF: KdfParams = { algorithm: 'argon2id', memoryKiB: 65_536, iterations: 3, parallelism: 1 };

export const Salt = base64UrlBytes(16);
export const AuthKey = base64UrlBytes(32);

export const PreloginRequest = z.strictObject({ username: Username });
export type PreloginRequest = z.infer<typeof PreloginRequest>;
export const PreloginResponse = z.strictObject({ salt: Salt, kdf: KdfParams });
export type PreloginResponse = z.infer<typeof PreloginResponse>;

export const SignupRequest = z.strictObject({
  username: Username,
  salt: Salt,
  kdf: KdfParams,
  authKey: AuthKey,
});
export type SignupRequest = z.infer<typeof SignupRequest>;

export const LoginRequest = z.strictObject({ username: Username, authKey: AuthKey });
export type LoginRequest = z.infer<typeof LoginRequest>;

export const ChangePasswordRequest = z.strictObject({
  currentAuthKey: AuthKey,
  newSalt: Salt,
  newKdf: KdfParams,
  newAuthKey: AuthKey,
});
export type ChangePasswordRequest = z.infer<typeof ChangePasswordRequest>;

export const EmptyRequest = z.strictObject({});

export const UserDto = z.strictObject({ id: Id, username: Username, createdAt: IsoDate });
export type UserDto = z.infer<typeof UserDto>;

export const SessionDto = z.strictObject({
  id: Id,
  createdAt: IsoDate,
  lastSeenAt: IsoDate,
  expiresAt: IsoDate,
  userAgent: z.string().nullable(),
  current: z.boolean(),
});
export type SessionDto = z.infer<typeof SessionDto>;

export const AuthResponse = z.strictObject({ user: UserDto });
export type AuthResponse = z.infer<typeof AuthResponse>;

export const MeResponse = z.strictObject({ user: UserDto, session: SessionDto });
export type MeResponse = z.infer<typeof MeResponse>;

/** GET /api/auth/session: who this browser is signed in as, or null; never a 401 (a signed-out page load logs no error). */
export const SessionProbeResponse = z.strictObject({ user: UserDto.nullable() });
export type SessionProbeResponse = z.infer<typeof SessionProbeResponse>;

export const SessionsResponse = z.strictObject({ sessions: z.array(SessionDto) });
export type SessionsResponse = z.infer<typeof SessionsResponse>;

export const SessionParams = z.strictObject({ id: Id });

export const OkResponse = z.strictObject({ ok: z.literal(true) });
export type OkResponse = z.infer<typeof OkResponse>;

/** The name of the session cookie. `__Host-` binds it to this origin, Secure, Path=/. */
export const SESSION_COOKIE = '__Host-parley_session';
