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
  if (/<!DOCTYPE|<!ENTITY/i.test(body)) throw new PushParseError('DOCTYPE/ENTITY declarations are not accepted');
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

function toNumber(v: unknown): unknown {
  if (typeof v === 'number') return v;
  if (typeof v === 'string' && v.trim() !== '' && !Number.isNaN(Number(v))) return Number(v);
  return v;
}

function toId(v: unknown): unknown {
  return typeof v === 'number' || typeof v === 'bigint' ? String(v) : v;
}

function typed(value: unknown, type: PushFieldType): unknown {
  if (type === 'string') return typeof value === 'number' ? String(value) : value;
  if (type === 'number') return toNumber(value);
  if (type === 'id') return toId(value);
  if ('object' in type) return value && typeof value === 'object' && !Array.isArray(value) ? typeFields(value as Record<string, unknown>, type.object) : value;
  // list: XML gives <List><item>…</item><item>…</item></List> or repeated <List> elements
  let items: unknown = value;
  if (items && typeof items === 'object' && !Array.isArray(items) && 'item' in items) items = (items as { item: unknown }).item;
  const arr = items === undefined || items === '' ? [] : Array.isArray(items) ? items : [items];
  return arr.map((v) => typed(v, typeof type.list === 'string' ? type.list : { object: type.list }));
}

export function typeFields(raw: Record<string, unknown>, table: PushFieldTable): Record<string, unknown> {
  const out: Record<string, unknown> = { ...raw };
  for (const [k, t] of Object.entries(table)) if (k in raw) out[k] = typed(raw[k], t);
  return out;
}

const BASE: PushFieldTable = { ToUserName: 'string', FromUserName: 'string', CreateTime: 'number', MsgType: 'string', Event: 'string' };

/** Raw fields → the typed message of its kind (or kind 'unknown' with every raw field). */
export function toPushMessage(raw: Record<string, unknown>, kinds: Readonly<Record<string, PushFieldTable>>): Record<string, unknown> & { kind: string } {
  const msgType = typeof raw['MsgType'] === 'string' ? raw['MsgType'] : '';
  const event = typeof raw['Event'] === 'string' ? raw['Event'] : '';
  const name = msgType === 'event' ? `event:${event}` : msgType;
  const table = kinds[name] ?? (msgType === 'event' ? kinds[`event:${event.toLowerCase()}`] : undefined);
  const base = typeFields(raw, BASE);
  if (!table) return { ...base, kind: 'unknown' };
  return { ...typeFields(base, table), kind: name in kinds ? name : `event:${event.toLowerCase()}` };
}
