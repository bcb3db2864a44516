import type { Request, Response } from 'express';
import { clearCookie, cookieOptions, readCookie } from '../cookies.js';
import { SESSION_TTL_MS } from './sessions.js';

/** The console's session cookie: HttpOnly, SameSite=Lax, Path=/, Secure over HTTPS, 8 hours. */
export const SESSION_COOKIE = 'pvae_session';

export function readSessionCookie(req: Request): string | undefined {
  return readCookie(req, SESSION_COOKIE);
}

export function setSessionCookie(req: Request, res: Response, value: string): void {
  res.cookie(SESSION_COOKIE, value, cookieOptions(req, '/', SESSION_TTL_MS));
}

export function clearSessionCookie(req: Request, res: Response): void {
  clearCookie(req, res, SESSION_COOKIE, '/');
}
