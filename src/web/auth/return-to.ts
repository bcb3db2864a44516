import type { Request, Response } from 'express';
import { inspectText } from '../../api/schemas/text.js';
import { clearCookie, cookieOptions, readCookie } from '../cookies.js';

/**
 * Where a login takes the user back: the page they asked for before being sent to /connexion
 * (a cookie kept 30 minutes, long enough to read the e-mailed link), else the inbox. Only a path of
 * this site is kept (never `//host` nor a URL), and never the login's own pages.
 */
const RETURN_COOKIE = 'pvae_retour';
const RETURN_TTL_MS = 30 * 60_000;

export function isSafeReturnPath(path: string): boolean {
  return (
    path.length <= 500 &&
    path.startsWith('/') &&
    !path.startsWith('//') &&
    !path.startsWith('/\\') &&
    inspectText(path) === undefined &&
    !/^\/(connexion|deconnexion)(\/|\?|$)/.test(path)
  );
}

export function rememberReturnPath(req: Request, res: Response): void {
  const path = req.originalUrl;
  if (path !== '/' && isSafeReturnPath(path)) {
    res.cookie(RETURN_COOKIE, path, cookieOptions(req, '/', RETURN_TTL_MS));
  }
}

/** The path to go to once signed in (and forgets it). */
export function takeReturnPath(req: Request, res: Response): string {
  const path = readCookie(req, RETURN_COOKIE);
  if (path === undefined) return '/';
  clearCookie(req, res, RETURN_COOKIE, '/');
  return isSafeReturnPath(path) ? path : '/';
}
