// What a reply is: WeChat answers JSON (errors too, with HTTP 200), or bytes for binary endpoints,
// where a JSON body is the error. Content types lie (text/plain JSON, image/jpeg with JSON), so a
// binary reply whose bytes look like a JSON object is tried as JSON.
import type { ReplyKind } from '../core/endpoint.js';
import { WechatResponseError } from '../core/errors.js';
import { parseJsonKeepingBigInts } from '../core/json.js';

export type ParsedReply = { kind: 'json'; json: Record<string, unknown> } | { kind: 'binary'; bytes: Uint8Array; contentType: string };

const decoder = new TextDecoder();

function looksLikeJson(bytes: Uint8Array): boolean {
  for (const b of bytes) {
    if (b === 0x20 || b === 0x0a || b === 0x0d || b === 0x09) continue;
    return b === 0x7b; // {
  }
  return false;
}

/** Default caps on a reply's size: JSON replies are small; media can be large. */
export const MAX_JSON_BYTES = 8 * 1024 * 1024;
export const MAX_BINARY_BYTES = 64 * 1024 * 1024;

/** What parsing needs of a reply (a Response, or the Node transport's BufferedResponse). */
export interface ReplyMeta {
  readonly ok: boolean;
  readonly status: number;
  readonly headers: { get(name: string): string | null };
}

/** `secrets`: exact values redacted from an error's body snippet (before it is cut). */
export function parseReply(operation: string, kind: ReplyKind, response: ReplyMeta, bytes: Uint8Array, maxBytes?: number, secrets: readonly string[] = []): ParsedReply {
  const contentType = response.headers.get('content-type') ?? '';
  const status = response.status;
  const cap = maxBytes ?? (kind === 'json' ? MAX_JSON_BYTES : MAX_BINARY_BYTES);
  if (bytes.byteLength > cap) throw new WechatResponseError(operation, status, contentType, '', `reply of ${bytes.byteLength} bytes is larger than the ${cap}-byte limit (maxResponseBytes)`);
  // Bytes endpoints: JSON (an error, or a mixed endpoint's JSON reply) is recognised by its first byte,
  // whatever the content type says (WeChat labels errors text/plain, and JSON as image/jpeg).
  if (kind !== 'json' && response.ok && !looksLikeJson(bytes)) {
    if (bytes.byteLength === 0) throw new WechatResponseError(operation, status, contentType, '', 'empty reply where bytes were expected');
    return { kind: 'binary', bytes, contentType: contentType || 'application/octet-stream' };
  }
  const text = decoder.decode(bytes);
  if (text.trim() === '') throw new WechatResponseError(operation, status, contentType, '', response.ok ? 'empty reply' : 'HTTP error with an empty body');
  let json: unknown;
  try {
    json = parseJsonKeepingBigInts(text);
  } catch {
    // no cause: JSON.parse's message quotes the text around the fault, which could cut a secret in half
    throw new WechatResponseError(operation, status, contentType, text, response.ok ? 'reply is not valid JSON' : 'HTTP error', undefined, secrets);
  }
  if (json === null || typeof json !== 'object' || Array.isArray(json)) {
    throw new WechatResponseError(operation, status, contentType, text, 'reply is not a JSON object', undefined, secrets);
  }
  const obj = json as Record<string, unknown>;
  if (!response.ok && typeof obj['errcode'] !== 'number') throw new WechatResponseError(operation, status, contentType, text, 'HTTP error', undefined, secrets);
  return { kind: 'json', json: obj };
}
