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
  'ticket', // getTicket's jsapi/wx_card ticket (a QR code's ticket is redacted from logs too)
  'sn_ticket', // hardware devices: getSnTicket
  'component_verify_ticket',
  'authorizer_refresh_token',
  'invalid_token', // the token-service protocol: the token WeChat rejected
];
/** The same in the camelCase spellings SDK users write. */
const CAMEL_NAMES = ['accessToken', 'sessionKey', 'encodingAESKey'];

/** Field / query names whose values are secret (compared case-insensitively). */
export const SECRET_KEYS: ReadonlySet<string> = new Set([...WIRE_NAMES, ...CAMEL_NAMES.map((n) => n.toLowerCase()), 'authorization', 'bearer']);

export const REDACTED = '[redacted]';

/** Whether a field name is a secret's (case-insensitive; lower-case names, the common case, allocate nothing). */
export const isSecretKey = (k: string): boolean => SECRET_KEYS.has(k) || (hasUpperCase(k) && SECRET_KEYS.has(k.toLowerCase()));

function hasUpperCase(k: string): boolean {
  for (let i = 0; i < k.length; i++) {
    const c = k.charCodeAt(i);
    if ((c >= 65 && c <= 90) || c > 127) return true;
  }
  return false;
}

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

/** Define an own data property (never the `__proto__` setter). */
export function setOwn(target: Record<string, unknown>, key: string, value: unknown): void {
  if (key === '__proto__') Object.defineProperty(target, key, { value, enumerable: true, writable: true, configurable: true });
  else target[key] = value;
}

/** Deep copy of own enumerable fields with secret-named fields replaced; strings are passed through redactText. */
export function redactValue(value: unknown, depth = 0): unknown {
  if (typeof value === 'string') return redactText(value);
  if (value === null || typeof value !== 'object' || depth > 20) return value;
  if (Array.isArray(value)) return value.map((v) => redactValue(v, depth + 1));
  if (value instanceof Uint8Array) return `<${value.byteLength} bytes>`;
  const out: Record<string, unknown> = {};
  for (const k of Object.keys(value)) {
    const v = (value as Record<string, unknown>)[k];
    setOwn(out, k, isSecretKey(k) && v !== undefined && v !== '' ? REDACTED : redactValue(v, depth + 1));
  }
  return out;
}

const MAX_SCRUB_DEPTH = 8;

/**
 * Remove secrets from an error and everything hanging off it, in place: its message and stack, its own
 * fields (an ioredis error's `command.args`, a fetch error's `request`), nested objects, arrays and byte
 * buffers, and its cause chain. Strings get the pattern redaction plus the exact `secrets` (values the
 * caller knows: the AppSecret, tokens just fetched, even ones never cached). Accessors are not called.
 */
export function scrubError(err: unknown, secrets: readonly string[]): void {
  const exact = secrets.filter((s) => typeof s === 'string' && s.length >= 4);
  scrubInPlace(err, exact, 0, new Set());
}

function scrubInPlace(value: unknown, secrets: readonly string[], depth: number, seen: Set<object>): void {
  if (value === null || typeof value !== 'object' || depth > MAX_SCRUB_DEPTH || seen.has(value)) return;
  seen.add(value);
  if (ArrayBuffer.isView(value)) return scrubBytes(value, secrets);
  const keys = value instanceof Error ? Object.getOwnPropertyNames(value) : Object.keys(value);
  if (value instanceof Error && !keys.includes('cause') && 'cause' in value) keys.push('cause');
  for (const k of keys) {
    const d = Object.getOwnPropertyDescriptor(value, k);
    const v = d && 'value' in d ? d.value : k === 'cause' ? (value as Error).cause : undefined;
    if (typeof v === 'string') {
      const clean = redactText(v, secrets);
      if (clean !== v) {
        try {
          (value as Record<string, unknown>)[k] = clean;
        } catch {
          /* frozen: leave it */
        }
      }
    } else scrubInPlace(v, secrets, depth + 1, seen);
  }
}

/** Overwrite any exact secret found in a byte buffer (a command argument sent as a Buffer). */
function scrubBytes(view: ArrayBufferView, secrets: readonly string[]): void {
  const buf = Buffer.from(view.buffer, view.byteOffset, view.byteLength);
  for (const s of secrets) {
    const needle = Buffer.from(s, 'utf8');
    for (let at = buf.indexOf(needle); at >= 0; at = buf.indexOf(needle, at + needle.length)) buf.fill(0x2a, at, at + needle.length);
  }
}

/** The string values of secret-named fields (and any extra values), for exact-value redaction. */
export function secretValues(params: Record<string, unknown>, extra: readonly (string | undefined)[]): string[] {
  const out: string[] = [];
  for (const k of Object.keys(params)) {
    const v = params[k];
    if (typeof v === 'string' && v.length >= 4 && isSecretKey(k)) out.push(v);
  }
  for (const v of extra) if (v && v.length >= 4) out.push(v);
  return out;
}
