import { randomUUID } from 'node:crypto';
import type { Request, Response } from 'express';
import type { LinkSigner } from '../../signed-links.js';
import { cookieOptions, readCookie } from '../cookies.js';
import { sameSecret } from './secrets.js';

/**
 * CSRF protection of the two forms that have no session yet (asking for a link, and « Se
 * connecter » on the link's page): a signed double-submit token. The page sets a random ID in an
 * HttpOnly cookie (`pvae_form`, Path=/connexion, SameSite=Lax) and puts in the form, as `_csrf`, that
 * ID signed with LINK_SECRET for this purpose, with an expiry. The POST must carry both, and they
 * must match: another site can neither read the cookie nor forge the signature, and its cross-site
 * POST does not even send the cookie. As a second barrier, a POST that the browser marks as coming
 * from another site (`Sec-Fetch-Site`, `Origin`) is refused. This stops "login CSRF" (a page making the browser use the
 * attacker's own link, to work in the attacker's account).
 */
const FORM_COOKIE = 'pvae_form';
const FORM_PURPOSE = 'console-login-form';
const FORM_TTL_MS = 2 * 3600_000;
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

/** The `_csrf` value of a login form; sets (or keeps) the form cookie. */
export function issueFormToken(req: Request, res: Response, signer: LinkSigner): string {
  const existing = readCookie(req, FORM_COOKIE);
  const id = existing && UUID.test(existing) ? existing : randomUUID();
  res.cookie(FORM_COOKIE, id, cookieOptions(req, '/connexion', FORM_TTL_MS));
  return signer.sign(FORM_PURPOSE, id, new Date(Date.now() + FORM_TTL_MS));
}

/** True when the POST carries a valid, unexpired token matching its cookie, from this site. */
export function checkFormToken(req: Request, signer: LinkSigner, publicUrl: string): boolean {
  if (!sameOrigin(req, publicUrl)) return false;
  const cookie = readCookie(req, FORM_COOKIE);
  const token = (req.body as Record<string, unknown> | undefined)?._csrf;
  if (!cookie || typeof token !== 'string') return false;
  const checked = signer.verify(FORM_PURPOSE, token);
  return 'id' in checked && sameSecret(checked.id, cookie);
}

/**
 * A browser says where a form comes from: `Sec-Fetch-Site` (refused unless same-origin or typed by
 * the user) and `Origin` (refused when it names another origin). Under the app's
 * `Referrer-Policy: no-referrer` (helmet), Chromium sends `Origin: null` for its own forms, and
 * clients other than browsers send neither: then the token alone decides.
 */
function sameOrigin(req: Request, publicUrl: string): boolean {
  const site = req.headers['sec-fetch-site'];
  if (site !== undefined && site !== 'same-origin' && site !== 'none') return false;
  const origin = req.headers.origin;
  if (origin === undefined || origin === 'null') return true;
  const allowed = new Set([`${req.protocol}://${req.get('host') ?? ''}`]);
  try {
    allowed.add(new URL(publicUrl).origin);
  } catch {
    /* an unusable PUBLIC_URL only narrows the set */
  }
  return allowed.has(origin);
}
