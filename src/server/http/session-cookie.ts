import type { FastifyReply } from 'fastify';
import { SESSION_COOKIE } from '../../protocol/auth.js';
import type { Config } from '../config.js';

/** `__Host-` cookie: HttpOnly, Secure, SameSite=Lax, Path=/, no Domain. */
export function setSessionCookie(reply: FastifyReply, config: Config, token: string): void {
  void reply.setCookie(SESSION_COOKIE, token, {
    httpOnly: true,
    secure: true,
    sameSite: 'lax',
    path: '/',
    maxAge: Math.floor(config.session.absoluteMs / 1000),
  });
}

export function clearSessionCookie(reply: FastifyReply): void {
  void reply.clearCookie(SESSION_COOKIE, { httpOnly: true, secure: true, sameSite: 'lax', path: '/' });
}
