import { randomUUID } from 'node:crypto';
import type { Request, Response } from 'express';
import type { LinkSigner } from '../../signed-links.js';
import { clearCookie, cookieOptions, readCookie } from '../cookies.js';

/**
 * What a sign-in through the OpenID Connect provider must find again when the browser comes back:
 * the `state` and `nonce` sent, and the PKCE code verifier. Kept in the browser itself, in a cookie
 * (`pvae_oidc`: HttpOnly, SameSite=Lax — the provider's redirect is a top-level GET —, Path limited
 * to /connexion/oidc, 10 minutes) signed with LINK_SECRET: `<state>.<nonce>.<verifier>.<signed id>`,
 * the three values bound into the signature's purpose. It serves once: the callback clears it.
 */
export interface OidcChecks {
  state: string;
  nonce: string;
  codeVerifier: string;
}

const STATE_COOKIE = 'pvae_oidc';
const STATE_PATH = '/connexion/oidc';
export const OIDC_STATE_TTL_MS = 10 * 60_000;
const BASE64URL = /^[A-Za-z0-9_-]{22,128}$/;

const purpose = (c: OidcChecks) => `console-oidc:${c.state}:${c.nonce}:${c.codeVerifier}`;

export function setOidcStateCookie(
  req: Request,
  res: Response,
  signer: LinkSigner,
  checks: OidcChecks,
): void {
  const signed = signer.sign(purpose(checks), randomUUID(), new Date(Date.now() + OIDC_STATE_TTL_MS));
  const value = `${checks.state}.${checks.nonce}.${checks.codeVerifier}.${signed}`;
  res.cookie(STATE_COOKIE, value, cookieOptions(req, STATE_PATH, OIDC_STATE_TTL_MS));
}

/** The checks of this browser's sign-in under way, if its cookie is there, intact and unexpired. */
export function readOidcStateCookie(req: Request, signer: LinkSigner): OidcChecks | null {
  const value = readCookie(req, STATE_COOKIE);
  const parts = value?.split('.');
  if (!parts || parts.length !== 6) return null;
  const [state, nonce, codeVerifier] = parts as [string, string, string];
  if (![state, nonce, codeVerifier].every((p) => BASE64URL.test(p))) return null;
  const checks = { state, nonce, codeVerifier };
  const verified = signer.verify(purpose(checks), parts.slice(3).join('.'));
  return 'id' in verified ? checks : null;
}

export function clearOidcStateCookie(req: Request, res: Response): void {
  clearCookie(req, res, STATE_COOKIE, STATE_PATH);
}
