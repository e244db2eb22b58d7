// The mock's token model, with WeChat's semantics:
// - classic (/cgi-bin/token): every call issues a new token; the previous one stays valid for an overlap
//   (300 s in WeChat, configurable);
// - stable (/cgi-bin/stable_token): the same token while it has more than 300 s left; force_refresh
//   issues a new one and revokes the old (20 a day, ≥ 30 s apart, else the same token comes back);
// - the two kinds are isolated; expireTokens() makes every issued token answer 42001.
import { randomBytes } from 'node:crypto';

/** authorizer: an authorizer_access_token issued to a third-party platform for an authorized account */
export type TokenKind = 'classic' | 'stable' | 'authorizer';

interface IssuedToken {
  appid: string;
  kind: TokenKind;
  expiresAt: number;
  revoked: boolean;
}

export type TokenCheck = { ok: true; appid: string } | { ok: false; errcode: 40001 | 41001 | 42001 };

export interface TokenStateOptions {
  expiresIn: number;
  overlapSeconds: number;
  now: () => number;
}

export class TokenState {
  readonly #tokens = new Map<string, IssuedToken>();
  readonly #latest = new Map<string, string>();
  readonly #forceLog = new Map<string, number[]>();
  constructor(readonly opts: TokenStateOptions) {}

  #issue(appid: string, kind: TokenKind): { access_token: string; expires_in: number } {
    const token = `MOCK_${kind.toUpperCase()}_${randomBytes(24).toString('base64url')}`;
    this.#tokens.set(token, { appid, kind, expiresAt: this.opts.now() + this.opts.expiresIn * 1000, revoked: false });
    this.#latest.set(`${kind}:${appid}`, token);
    return { access_token: token, expires_in: this.opts.expiresIn };
  }

  classic(appid: string): { access_token: string; expires_in: number } {
    const prev = this.#latest.get(`classic:${appid}`);
    const prevToken = prev ? this.#tokens.get(prev) : undefined;
    if (prevToken) prevToken.expiresAt = Math.min(prevToken.expiresAt, this.opts.now() + this.opts.overlapSeconds * 1000);
    return this.#issue(appid, 'classic');
  }

  stable(appid: string, force: boolean): { access_token: string; expires_in: number } | { errcode: 45009 } {
    const now = this.opts.now();
    const prev = this.#latest.get(`stable:${appid}`);
    const cur = prev ? this.#tokens.get(prev) : undefined;
    const valid = prev !== undefined && cur !== undefined && !cur.revoked && cur.expiresAt > now;
    if (force && valid) {
      const log = (this.#forceLog.get(appid) ?? []).filter((t) => t > now - 86_400_000);
      const last = log[log.length - 1];
      if (last !== undefined && now - last < 30_000) return { access_token: prev, expires_in: Math.floor((cur.expiresAt - now) / 1000) };
      if (log.length >= 20) return { errcode: 45009 };
      log.push(now);
      this.#forceLog.set(appid, log);
      cur.revoked = true;
      return this.#issue(appid, 'stable');
    }
    if (valid && cur.expiresAt - now > 300_000) return { access_token: prev, expires_in: Math.floor((cur.expiresAt - now) / 1000) };
    if (valid) cur.expiresAt = Math.min(cur.expiresAt, now + this.opts.overlapSeconds * 1000);
    return this.#issue(appid, 'stable');
  }

  /** An authorizer_access_token (third-party platform): every refresh issues a new one; the previous one keeps its own expiry. */
  authorizer(appid: string): { access_token: string; expires_in: number } {
    return this.#issue(appid, 'authorizer');
  }

  /** Revoke every token of an app (an authorizer revoked the platform). */
  revokeApp(appid: string): void {
    for (const t of this.#tokens.values()) if (t.appid === appid) t.revoked = true;
  }

  check(token: string | null): TokenCheck {
    if (!token) return { ok: false, errcode: 41001 };
    const t = this.#tokens.get(token);
    if (!t || t.revoked) return { ok: false, errcode: 40001 };
    if (t.expiresAt <= this.opts.now()) return { ok: false, errcode: 42001 };
    return { ok: true, appid: t.appid };
  }

  expireAll(): void {
    const now = this.opts.now();
    for (const t of this.#tokens.values()) t.expiresAt = Math.min(t.expiresAt, now);
  }

  clear(): void {
    this.#tokens.clear();
    this.#latest.clear();
    this.#forceLog.clear();
  }
}
