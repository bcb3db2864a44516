import * as client from 'openid-client';
import type { OidcConfig } from '../../config.js';
import type { OidcChecks } from './oidc-state.js';

/**
 * The console as a relying party of an OpenID Connect provider (ProConnect, or any standard one):
 * the authorization code flow with PKCE, state and nonce, through openid-client. The provider's
 * metadata is discovered at the first sign-in, not at startup (the console starts while the
 * provider is down), then kept; a failed discovery is tried again at the next sign-in.
 */
export interface OidcClient {
  /** The login page's button. */
  readonly label: string;
  /** A new sign-in: where to send the browser, and what to check when it comes back. */
  start(): Promise<{ url: URL; checks: OidcChecks }>;
  /** The callback (its query string): the identity the provider vouches for, once checked. */
  finish(query: string, checks: OidcChecks): Promise<OidcIdentity>;
}

export interface OidcIdentity {
  /** The provider's `sub`. */
  subject: string;
  email: string | undefined;
  /** Only `false` when the provider says so: ProConnect sends no `email_verified`. */
  emailVerified: boolean | undefined;
}

/** The provider cannot be reached, or fails (timeout, 5xx): try again later. */
export class OidcUnavailable extends Error {
  override readonly name = 'OidcUnavailable';
}

/**
 * The sign-in did not go through: the provider answered with an error (`denied`: the user
 * cancelled or was refused; `provider`: another error), or its answer did not pass the checks
 * (`invalid`: state, nonce, code, signature…). `code` is for the logs (no personal data).
 */
export class OidcRefused extends Error {
  override readonly name = 'OidcRefused';
  constructor(
    readonly kind: 'denied' | 'provider' | 'invalid',
    readonly code: string,
  ) {
    super(`OpenID Connect sign-in refused (${kind}: ${code})`);
  }
}

/** Deadline of each call to the provider (discovery, token, userinfo), in seconds. */
const TIMEOUT_S = 10;
const LOOPBACK = new Set(['localhost', '127.0.0.1', '[::1]']);

export function createOidcClient(config: OidcConfig, opts: { redirectUri: string }): OidcClient {
  const issuer = new URL(config.issuer);
  // Plain HTTP only for a provider on this machine (config.ts refuses it elsewhere).
  const insecure = issuer.protocol === 'http:' && LOOPBACK.has(issuer.hostname);
  let discovered: Promise<client.Configuration> | undefined;

  const configuration = (): Promise<client.Configuration> => {
    discovered ??= client
      .discovery(issuer, config.clientId, config.clientSecret, undefined, {
        timeout: TIMEOUT_S,
        execute: insecure ? [client.allowInsecureRequests] : [],
      })
      .catch((err: unknown) => {
        discovered = undefined;
        throw new OidcUnavailable(`OpenID Connect discovery failed: ${describe(err)}`, { cause: err });
      });
    return discovered;
  };

  return {
    label: config.label,

    async start() {
      const server = await configuration();
      const checks: OidcChecks = {
        state: client.randomState(),
        nonce: client.randomNonce(),
        codeVerifier: client.randomPKCECodeVerifier(),
      };
      const challenge = await client.calculatePKCECodeChallenge(checks.codeVerifier);
      try {
        const url = client.buildAuthorizationUrl(server, {
          redirect_uri: opts.redirectUri,
          scope: config.scopes,
          state: checks.state,
          nonce: checks.nonce,
          code_challenge: challenge,
          code_challenge_method: 'S256',
        });
        return { url, checks };
      } catch (err) {
        // Metadata without a usable authorization endpoint: the provider is not usable as is.
        throw new OidcUnavailable(`OpenID Connect authorization URL: ${describe(err)}`, { cause: err });
      }
    },

    async finish(query, checks) {
      const server = await configuration();
      // The redirect URI as registered (PUBLIC_URL's), whatever Host the request came with.
      const current = new URL(opts.redirectUri);
      current.search = query;
      try {
        const tokens = await client.authorizationCodeGrant(server, current, {
          pkceCodeVerifier: checks.codeVerifier,
          expectedState: checks.state,
          expectedNonce: checks.nonce,
          idTokenExpected: true,
        });
        const idToken = tokens.claims();
        if (!idToken) throw new OidcRefused('invalid', 'no_id_token');
        let claims: Record<string, unknown> = idToken;
        // ProConnect, like many providers, gives the e-mail at the userinfo endpoint only.
        if (claims.email === undefined && server.serverMetadata().userinfo_endpoint) {
          claims = {
            ...idToken,
            ...(await client.fetchUserInfo(server, tokens.access_token, idToken.sub)),
          };
        }
        return {
          subject: idToken.sub,
          email: typeof claims.email === 'string' ? claims.email.trim() : undefined,
          emailVerified: verified(claims.email_verified),
        };
      } catch (err) {
        throw classify(err);
      }
    },
  };
}

/** `email_verified`, a boolean (or, from some providers, the string "true" or "false"). */
function verified(value: unknown): boolean | undefined {
  if (value === true || value === 'true') return true;
  if (value === false || value === 'false') return false;
  return undefined;
}

/** An error of openid-client as the console treats it: the provider unavailable, or a refusal. */
function classify(err: unknown): Error {
  if (err instanceof OidcRefused || err instanceof OidcUnavailable) return err;
  if (err instanceof client.AuthorizationResponseError) {
    // RFC 6749 §4.1.2.1: the errors a provider can send back to the redirect URI.
    if (err.error === 'access_denied') return new OidcRefused('denied', err.error);
    if (err.error === 'server_error' || err.error === 'temporarily_unavailable') {
      return new OidcUnavailable(`provider answered ${err.error}`, { cause: err });
    }
    return new OidcRefused('provider', /^[\w.-]{1,64}$/.test(err.error) ? err.error : 'unknown');
  }
  if (unreachable(err)) return new OidcUnavailable(describe(err), { cause: err });
  if (err instanceof client.ResponseBodyError) return new OidcRefused('invalid', `token_${err.error}`);
  const code = (err as { code?: unknown }).code;
  return new OidcRefused('invalid', typeof code === 'string' ? code : 'unknown');
}

/** A network failure, a timeout or a 5xx answer of the provider. */
function unreachable(err: unknown): boolean {
  if (err instanceof TypeError && err.message === 'fetch failed') return true;
  if (err instanceof client.ResponseBodyError) return err.status >= 500;
  if (err instanceof client.ClientError) {
    if (err.code === 'OAUTH_TIMEOUT' || err.code === 'OAUTH_ABORT') return true;
    const cause = err.cause;
    return cause instanceof Response && cause.status >= 500;
  }
  return false;
}

function describe(err: unknown): string {
  if (!(err instanceof Error)) return String(err);
  const code = (err as { code?: unknown }).code;
  const cause = err.cause instanceof Error ? `: ${err.cause.message}` : '';
  return `${err.message}${typeof code === 'string' ? ` (${code})` : ''}${cause}`;
}
