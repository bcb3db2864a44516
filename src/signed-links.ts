import { createHmac, timingSafeEqual } from 'node:crypto';

/**
 * Signed, expiring links for people without an account (jury members answering an invitation):
 * `<id>.<expiry in seconds>.<HMAC-SHA256>` in base64url. The ID is a random UUID, so a link names
 * nothing personal; the signature binds its purpose, so an invitation link opens nothing else.
 */
export interface LinkSigner {
  sign(purpose: string, id: string, expiresAt: Date): string;
  /** The ID of a valid, unexpired token for this purpose; else why not. */
  verify(purpose: string, token: string, now?: Date): { id: string } | { error: 'invalid' | 'expired' };
}

export function createLinkSigner(secret: string): LinkSigner {
  const mac = (purpose: string, body: string) =>
    createHmac('sha256', secret).update(`${purpose}:${body}`).digest('base64url');
  return {
    sign(purpose, id, expiresAt) {
      const body = `${id}.${Math.floor(expiresAt.getTime() / 1000)}`;
      return `${body}.${mac(purpose, body)}`;
    },
    verify(purpose, token, now = new Date()) {
      const parts = token.split('.');
      if (parts.length !== 3 || !/^[0-9a-f-]{36}$/.test(parts[0]!) || !/^\d{1,12}$/.test(parts[1]!)) {
        return { error: 'invalid' };
      }
      const expected = Buffer.from(mac(purpose, `${parts[0]}.${parts[1]}`));
      const given = Buffer.from(parts[2]!);
      if (expected.length !== given.length || !timingSafeEqual(expected, given)) return { error: 'invalid' };
      if (Number(parts[1]) * 1000 <= now.getTime()) return { error: 'expired' };
      return { id: parts[0]! };
    },
  };
}

export const INVITATION_LINK = 'jury-invitation';
export const CANDIDATE_STATUS_LINK = 'candidate-status';
