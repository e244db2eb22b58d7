// Redaction of secrets: appsecret, access_token (app and user), refresh_token, session_key,
// js_code/code, EncodingAESKey, jsapi_ticket, token-server keys. Applied to everything the SDK logs, puts in
// an error message, or serializes.

/** Wire names whose values are secret (query parameters and JSON fields). */
const WIRE_NAMES = [
  'secret',
  'appsecret',
  'app_secret',
  'access_token',
  'refresh_token',
  'session_key',
  'js_code',
  'code',
  'encodingaeskey',
  'encoding_aes_key',
  'component_access_token',
  'authorizer_access_token',
  'authorizer_refresh_token',
  'component_appsecret',
  'component_secret',
  'component_verify_ticket',
  'jsapi_ticket',
  'invalid_token', // the token-service protocol: the token WeChat rejected
];
/** The same in the camelCase spellings SDK users write. */
const CAMEL_NAMES = ['accessToken', 'sessionKey', 'encodingAESKey'];

/** Field / query names whose values are secret (compared case-insensitively). */
export const SECRET_KEYS: ReadonlySet<string> = new Set([...WIRE_NAMES, ...CAMEL_NAMES.map((n) => n.toLowerCase()), 'authorization', 'bearer']);

export const REDACTED = '[redacted]';

const isSecretKey = (k: string) => SECRET_KEYS.has(k.toLowerCase());

/** `a=1&access_token=xyz` → `a=1&access_token=[redacted]`; also JSON `"session_key":"…"`. */
const QUERY_RE = new RegExp(`([?&;]|\\b)(${WIRE_NAMES.join('|')})=([^&#\\s"']*)`, 'gi');
const JSON_RE = new RegExp(`"(${[...WIRE_NAMES.filter((n) => n !== 'encodingaeskey'), ...CAMEL_NAMES].join('|')})"\\s*:\\s*"((?:[^"\\\\]|\\\\.)*)"`, 'g');
const BEARER_RE = /(Bearer\s+)[A-Za-z0-9._~+/=-]+/g;

export function redactText(text: string, extraSecrets: readonly string[] = []): string {
  let out = text
    .replace(QUERY_RE, (_m, pre: string, k: string) => `${pre}${k}=${REDACTED}`)
    .replace(JSON_RE, (_m, k: string) => `"${k}":"${REDACTED}"`)
    .replace(BEARER_RE, `$1${REDACTED}`);
  for (const s of extraSecrets) if (s.length >= 4) out = out.split(s).join(REDACTED);
  return out;
}

/** Deep copy with secret-named fields replaced; strings are passed through redactText. */
export function redactValue(value: unknown, depth = 0): unknown {
  if (typeof value === 'string') return redactText(value);
  if (value === null || typeof value !== 'object' || depth > 20) return value;
  if (Array.isArray(value)) return value.map((v) => redactValue(v, depth + 1));
  if (value instanceof Uint8Array) return `<${value.byteLength} bytes>`;
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(value)) out[k] = isSecretKey(k) && v !== undefined && v !== '' ? REDACTED : redactValue(v, depth + 1);
  return out;
}

/**
 * Remove the exact secret values a call sent (a js_code WeChat echoes in errmsg, the token in a
 * URL) from an error, in place: message, stack, errmsg/bodySnippet, and its cause.
 */
export function scrubError(err: unknown, secrets: readonly string[], depth = 0): void {
  if (!(err instanceof Error) || depth > 3) return;
  const fix = (v: unknown) => (typeof v === 'string' ? redactText(v, secrets) : v);
  try {
    err.message = redactText(err.message, secrets);
    if (err.stack) err.stack = redactText(err.stack, secrets);
    const rec = err as unknown as Record<string, unknown>;
    for (const k of ['errmsg', 'bodySnippet']) if (typeof rec[k] === 'string') rec[k] = fix(rec[k]);
  } catch {
    /* a frozen error: leave it */
  }
  scrubError(err.cause, secrets, depth + 1);
}

/** The string values of secret-named fields (and any extra values), for exact-value redaction. */
export function secretValues(params: Record<string, unknown>, extra: readonly (string | undefined)[]): string[] {
  const out: string[] = [];
  for (const [k, v] of Object.entries(params)) if (typeof v === 'string' && v.length >= 4 && isSecretKey(k)) out.push(v);
  for (const v of extra) if (v && v.length >= 4) out.push(v);
  return out;
}
