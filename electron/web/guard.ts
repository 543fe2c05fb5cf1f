import { randomBytes, timingSafeEqual } from 'node:crypto';
import type { IncomingMessage } from 'node:http';

/**
 * Browser mode exposes the engine (which holds passwords and runs commands over SSH) on a
 * loopback port. Any page the user visits could try to reach it, so every request must prove it
 * comes from our own page: the Host header names our loopback origin (no DNS rebinding), the
 * WebSocket's Origin is exactly that origin (no cross-site socket), and it carries the per-run
 * token that only the printed URL contains.
 */
export interface Guard {
  readonly token: string;
  /** `http://127.0.0.1:PORT` — known only once the server listens. */
  origin(): string;
  hostAllowed(req: IncomingMessage): boolean;
  tokenValid(candidate: string | null | undefined): boolean;
  /** Everything a WebSocket upgrade must satisfy; a reason for the log when it fails. */
  checkUpgrade(req: IncomingMessage): { ok: true } | { ok: false; reason: string };
}

export function createGuard(host: string, port: () => number): Guard {
  const token = randomBytes(32).toString('base64url');
  const expected = Buffer.from(token);
  const origin = (): string => `http://${host}:${port()}`;

  const tokenValid = (candidate: string | null | undefined): boolean => {
    if (!candidate) return false;
    const given = Buffer.from(candidate);
    return given.length === expected.length && timingSafeEqual(given, expected);
  };
  const hostAllowed = (req: IncomingMessage): boolean => req.headers.host === `${host}:${port()}`;

  return {
    token,
    origin,
    hostAllowed,
    tokenValid,
    checkUpgrade(req) {
      if (!hostAllowed(req)) return { ok: false, reason: `Host ${String(req.headers.host)} refused` };
      if (req.headers.origin !== origin()) return { ok: false, reason: `Origin ${String(req.headers.origin)} refused` };
      const url = new URL(req.url ?? '/', origin());
      if (url.pathname !== '/ws') return { ok: false, reason: `path ${url.pathname} refused` };
      if (!tokenValid(url.searchParams.get('token'))) return { ok: false, reason: 'missing or wrong token' };
      return { ok: true };
    },
  };
}
