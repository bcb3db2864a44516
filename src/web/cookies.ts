import type { CookieOptions, Request, Response } from 'express';

/** The cookies of a request (`Cookie` header), without a parser dependency; the first one of a name wins. */
export function readCookie(req: Request, name: string): string | undefined {
  const header = req.headers.cookie;
  if (!header) return undefined;
  for (const part of header.split(';')) {
    const eq = part.indexOf('=');
    if (eq < 0) continue;
    if (part.slice(0, eq).trim() !== name) continue;
    let value = part.slice(eq + 1).trim();
    if (value.startsWith('"') && value.endsWith('"')) value = value.slice(1, -1);
    try {
      return decodeURIComponent(value);
    } catch {
      return undefined;
    }
  }
  return undefined;
}

/**
 * The flags of the console's cookies: HttpOnly, SameSite=Lax, Secure when the request came over
 * HTTPS (directly or through the loopback proxy: the app trusts X-Forwarded-Proto from it).
 */
export function cookieOptions(req: Request, path: string, maxAgeMs: number): CookieOptions {
  return { httpOnly: true, sameSite: 'lax', secure: req.secure, path, maxAge: maxAgeMs };
}

export function clearCookie(req: Request, res: Response, name: string, path: string): void {
  res.clearCookie(name, { httpOnly: true, sameSite: 'lax', secure: req.secure, path });
}
