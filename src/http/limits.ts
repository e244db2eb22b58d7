// What the transport refuses, whichever fetch carries the request: a reply larger than the cap (the
// reading stops there), and a redirect (never followed: it would re-send credentials to another host).

/** The reply is larger than maxBytes; nothing past the cap was read. */
export class TransportTooLargeError extends Error {
  constructor(
    readonly maxBytes: number,
    readonly status: number,
    readonly contentType: string,
  ) {
    super('reply too large');
    this.name = 'TransportTooLargeError';
  }
}

/** The server answered a redirect (3xx, or an opaque redirect); it was not followed. */
export class TransportRedirectError extends Error {
  constructor(
    readonly status: number,
    /** the target's origin only (a path or query could carry a secret) */
    readonly target: string,
  ) {
    super('redirect');
    this.name = 'TransportRedirectError';
  }
}

export const isRedirect = (status: number) => status >= 300 && status < 400 && status !== 304;

export function originOf(location: string | null | undefined, base: string): string {
  if (!location) return '';
  try {
    return new URL(location, base).origin;
  } catch {
    return '';
  }
}
