// Parsing push bodies: XML with fast-xml-parser (entity processing off: XXE and entity-expansion
// payloads stay inert) or JSON (Mini Program pushes; 64-bit ids kept as strings). Fields are then
// typed by the generated table: numbers become numbers, ids stay strings, lists are always arrays.
import { createRequire } from 'node:module';
import type { XMLParser } from 'fast-xml-parser';
import { parseJsonKeepingBigInts } from '../core/json.js';
import type { PushFieldTable, PushFieldType } from './types.js';

// fast-xml-parser is loaded on the first XML push, not at import (cold start).
let xmlParser: XMLParser | undefined;
function xml(): XMLParser {
  if (xmlParser) return xmlParser;
  const { XMLParser: Parser } = createRequire(import.meta.url)('fast-xml-parser') as typeof import('fast-xml-parser');
  xmlParser = new Parser(XML_OPTIONS);
  return xmlParser;
}

const XML_OPTIONS = {
  processEntities: false,
  htmlEntities: false,
  ignoreAttributes: true,
  ignoreDeclaration: true,
  ignorePiTags: true,
  parseTagValue: false,
  parseAttributeValue: false,
  trimValues: true,
  allowBooleanAttributes: false,
};

export class PushParseError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'PushParseError';
  }
}


/** The raw fields of a push body (XML root <xml>, or a JSON object), values as the wire gives them. */
export function parseRawPush(body: string, format: 'xml' | 'json'): Record<string, unknown> {
  if (format === 'json') {
    let v: unknown;
    try {
      v = parseJsonKeepingBigInts(body);
    } catch {
      throw new PushParseError('body is not valid JSON');
    }
    if (!v || typeof v !== 'object' || Array.isArray(v)) throw new PushParseError('body is not a JSON object');
    return v as Record<string, unknown>;
  }
  if (hasDeclarations(body)) throw new PushParseError('DOCTYPE/ENTITY declarations are not accepted');
  let doc: unknown;
  try {
    doc = xml().parse(body, true);
  } catch {
    throw new PushParseError('body is not valid XML');
  }
  const root = (doc as { xml?: unknown } | undefined)?.xml;
  if (!root || typeof root !== 'object' || Array.isArray(root)) throw new PushParseError('no <xml> root element');
  return root as Record<string, unknown>;
}

/**
 * A real <!DOCTYPE or <!ENTITY declaration: looked for outside CDATA sections, so that a user who types
 * "<!DOCTYPE html>" (delivered inside <![CDATA[…]]>) keeps the message. An unterminated CDATA is not
 * stripped, so nothing hides behind one.
 */
export function hasDeclarations(xmlText: string): boolean {
  return /<!DOCTYPE|<!ENTITY/i.test(xmlText.replace(/<!\[CDATA\[[\s\S]*?\]\]>/g, ''));
}

/** A value that does not fit its field's declared type. */
const MISMATCH: unique symbol = Symbol('mismatch');
type Typed = unknown;

const isRecord = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);
const own = (o: object, k: string): boolean => Object.prototype.hasOwnProperty.call(o, k);

function toNumber(v: unknown): Typed {
  if (typeof v === 'number') return Number.isFinite(v) ? v : MISMATCH;
  if (typeof v === 'string' && v.trim() !== '' && Number.isFinite(Number(v))) return Number(v);
  return MISMATCH;
}

function toId(v: unknown): Typed {
  if (typeof v === 'string') return v;
  if (typeof v === 'number' || typeof v === 'bigint') return String(v);
  return MISMATCH;
}

function toText(v: unknown): Typed {
  if (typeof v === 'string') return v;
  if (typeof v === 'number') return String(v);
  return MISMATCH;
}

/** One value read as `type`; undefined = absent (an empty element), MISMATCH = not of that type. */
function typed(value: unknown, type: PushFieldType): Typed {
  if (type === 'string') return toText(value);
  if (value === '') return type !== 'number' && type !== 'id' && 'list' in type ? [] : undefined; // <Field></Field>: no value
  if (type === 'number') return toNumber(value);
  if (type === 'id') return toId(value);
  if ('object' in type) {
    if (!isRecord(value)) return MISMATCH;
    const r = typeTable(value, type.object);
    return r ?? MISMATCH;
  }
  // list: XML gives <List><item>…</item><item>…</item></List> or repeated <List> elements
  let items: unknown = value;
  if (isRecord(items) && own(items, 'item') && Object.keys(items).length === 1) items = items['item'];
  const arr = items === undefined ? [] : Array.isArray(items) ? items : [items];
  const itemType: PushFieldType = typeof type.list === 'string' ? type.list : { object: type.list };
  const out: unknown[] = [];
  for (const v of arr) {
    const t = typed(v, itemType);
    if (t === MISMATCH) return MISMATCH;
    if (t !== undefined) out.push(t);
  }
  return out;
}

/** The raw fields with the table's fields typed; undefined when one of them does not fit its type. */
function typeTable(raw: Record<string, unknown>, table: PushFieldTable): Record<string, unknown> | undefined {
  const out: Record<string, unknown> = {};
  for (const k of Object.keys(raw)) Object.defineProperty(out, k, { value: raw[k], enumerable: true, writable: true, configurable: true });
  for (const k of Object.keys(table)) {
    if (!own(raw, k)) continue;
    const t = typed(raw[k], table[k] as PushFieldType);
    if (t === MISMATCH) return undefined;
    if (t === undefined) delete out[k];
    else out[k] = t;
  }
  return out;
}

const BASE: PushFieldTable = { ToUserName: 'string', FromUserName: 'string', CreateTime: 'number', MsgType: 'string', Event: 'string' };

/**
 * Raw fields → the typed message of its kind. A message whose fields do not fit its kind's types (a
 * repeated or nested <Content>, a Latitude that is no number…) arrives as kind 'unknown' with its raw
 * fields; kinds are looked up among the table's own keys only. Throws PushParseError when a common
 * field (ToUserName, FromUserName, CreateTime, MsgType, Event) is present but not of its type.
 */
export function toPushMessage(raw: Record<string, unknown>, kinds: Readonly<Record<string, PushFieldTable>>): Record<string, unknown> & { kind: string } {
  const base = typeTable(raw, BASE);
  if (!base) throw new PushParseError('a common field (ToUserName, FromUserName, CreateTime, MsgType or Event) is not of its type');
  const msgType = typeof base['MsgType'] === 'string' ? base['MsgType'] : '';
  const event = typeof base['Event'] === 'string' ? base['Event'] : '';
  const candidates = msgType === 'event' ? [`event:${event}`, `event:${event.toLowerCase()}`] : [msgType];
  const name = candidates.find((c) => c !== '' && c !== 'event:' && own(kinds, c));
  const table = name === undefined ? undefined : kinds[name];
  const typedMessage = table ? typeTable(base, table) : undefined;
  if (!name || !typedMessage) return Object.assign(base, { kind: 'unknown' });
  return Object.assign(typedMessage, { kind: name });
}
