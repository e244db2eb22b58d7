// Push messages and events: spec/push/**/*.yaml → generated/push.ts (one interface per kind, the
// discriminated union, and the field table the parser types fields with). Each spec's example
// must parse into its own kind.
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { Ajv2020 } from 'ajv/dist/2020.js';
import { parseDocument } from 'yaml';
import { parseRawPush, toPushMessage } from '../src/push/parse.js';
import type { PushFieldTable, PushFieldType } from '../src/push/types.js';
import { filesUnder } from './files.js';
import { SpecError, formatAjvError } from './load.js';

interface FieldSpec {
  type: 'string' | 'number' | 'id' | 'object' | 'list';
  description?: string;
  optional?: boolean;
  items?: 'string' | 'number' | 'id' | 'object';
  fields?: Record<string, FieldSpec>;
  values?: string[];
}

export interface PushSpec {
  file: string;
  name: string;
  typeName: string;
  msgType: string;
  event?: string;
  summary: string;
  docUrl: string;
  platforms: ('oa' | 'mp')[];
  fields: Record<string, FieldSpec>;
  example: { xml?: string; json?: string };
}

export async function loadPushSpecs(root: string, only: string[] = []): Promise<PushSpec[]> {
  const problems: string[] = [];
  const metaText = await readFile(path.join(root, 'spec/_meta/push.schema.yaml'), 'utf8');
  const ajv = new Ajv2020({ allErrors: true, strict: false });
  const validate = ajv.compile(parseDocument(metaText).toJS() as object);
  const specs: PushSpec[] = [];
  for (const file of (await filesUnder(path.join(root, 'spec/push'))).filter((f) => f.endsWith('.yaml'))) {
    const shown = path.relative(root, file).split(path.sep).join('/');
    if (only.length > 0 && !only.some((prefix) => shown.startsWith(prefix))) continue;
    const doc = parseDocument(await readFile(file, 'utf8'), { uniqueKeys: true });
    if (doc.errors.length > 0) {
      problems.push(`${shown}: YAML: ${doc.errors[0]?.message.split('\n')[0]}`);
      continue;
    }
    const spec = doc.toJS() as Omit<PushSpec, 'file'>;
    if (!validate(spec)) {
      for (const e of validate.errors ?? []) problems.push(formatAjvError(shown, e));
      continue;
    }
    const expectedName = spec.msgType === 'event' ? `event:${spec.event ?? ''}` : spec.msgType;
    if (spec.name !== expectedName) problems.push(`${shown}: /name: must be "${expectedName}" (MsgType, or event:<Event>)`);
    specs.push({ ...spec, file: shown });
  }
  const names = new Map<string, string>();
  const types = new Map<string, string>();
  for (const s of specs) {
    if (names.has(s.name)) problems.push(`${s.file}: /name: "${s.name}" is also in ${names.get(s.name)}`);
    if (types.has(s.typeName)) problems.push(`${s.file}: /typeName: "${s.typeName}" is also in ${types.get(s.typeName)}`);
    names.set(s.name, s.file);
    types.set(s.typeName, s.file);
  }
  if (problems.length > 0) throw new SpecError(problems);
  // Each example parses into its own kind, with every non-optional field present.
  const kinds = pushKinds(specs);
  for (const s of specs) {
    for (const [format, body] of Object.entries(s.example) as ['xml' | 'json', string][]) {
      try {
        const msg = toPushMessage(parseRawPush(body, format), kinds);
        if (msg.kind !== s.name) problems.push(`${s.file}: /example/${format}: parses as kind "${msg.kind}", not "${s.name}"`);
        for (const [f, spec] of Object.entries(s.fields)) if (!spec.optional && !(f in msg)) problems.push(`${s.file}: /example/${format}: lacks the field ${f}`);
      } catch (err) {
        problems.push(`${s.file}: /example/${format}: ${err instanceof Error ? err.message : String(err)}`);
      }
    }
  }
  if (problems.length > 0) throw new SpecError(problems);
  return specs;
}

function fieldType(f: FieldSpec): PushFieldType {
  if (f.type === 'object') return { object: fieldTable(f.fields ?? {}) };
  if (f.type === 'list') return { list: f.items === 'object' || f.fields ? fieldTable(f.fields ?? {}) : (f.items ?? 'string') };
  return f.type;
}

function fieldTable(fields: Record<string, FieldSpec>): PushFieldTable {
  return Object.fromEntries(Object.entries(fields).map(([k, f]) => [k, fieldType(f)]));
}

export function pushKinds(specs: PushSpec[]): Record<string, PushFieldTable> {
  return Object.fromEntries(specs.map((s) => [s.name, fieldTable(s.fields)]));
}

const doc = (s: string) => s.replace(/\*\//g, '*\\/');

function tsType(f: FieldSpec, indent: string): string {
  if (f.type === 'string') return f.values && f.values.length > 0 ? `${f.values.map((v) => JSON.stringify(v)).join(' | ')} | (string & {})` : 'string';
  if (f.type === 'number') return 'number';
  if (f.type === 'id') return 'string';
  if (f.type === 'object') return tsObject(f.fields ?? {}, indent);
  const item: FieldSpec = f.items === 'object' || f.fields ? { type: 'object', fields: f.fields ?? {} } : { type: f.items ?? 'string' };
  return `Array<${tsType(item, indent)}>`;
}

function tsObject(fields: Record<string, FieldSpec>, indent: string): string {
  const inner = `${indent}  `;
  const lines = Object.entries(fields).map(([k, f]) => `${f.description ? `${inner}/** ${doc(f.description)}${f.type === 'id' ? ' (64-bit id, as a string)' : ''} */\n` : ''}${inner}${k}${f.optional ? '?' : ''}: ${tsType(f, inner)};`);
  return `{\n${lines.join('\n')}\n${indent}}`;
}

export function emitPush(specs: PushSpec[], header: string): string {
  const parts: string[] = [header.trimEnd(), "import type { PushBase, PushFieldTable, UnknownPushMessage } from '../src/push/types.js';", ''];
  for (const s of specs) {
    const body = tsObject(s.fields, '').slice(1, -1).trim();
    parts.push(
      `/**\n * ${doc(s.summary)}\n *\n * ${s.msgType === 'event' ? `MsgType event, Event ${s.event}` : `MsgType ${s.msgType}`} · ${s.platforms.join(', ')}\n * WeChat docs: ${s.docUrl} · spec: ${s.file}\n */`,
      `export interface ${s.typeName} extends PushBase {`,
      `  kind: ${JSON.stringify(s.name)};`,
      `  MsgType: ${JSON.stringify(s.msgType)};`,
      ...(s.event ? [`  Event: ${JSON.stringify(s.event)};`] : []),
      ...(body ? [`  ${body}`] : []),
      '}',
      '',
    );
  }
  parts.push(
    `/** Every message and event with a spec (${specs.length}). */`,
    `export type KnownPushMessage =\n${specs.map((s) => `  | ${s.typeName}`).join('\n')};`,
    '',
    '/** A parsed push: narrow on `kind` (\'text\', \'event:subscribe\', …); anything else is kind \'unknown\' with its raw fields. */',
    'export type PushMessage = KnownPushMessage | UnknownPushMessage;',
    '',
    '/** Field types by kind, for the parser. */',
    `export const pushKinds: Readonly<Record<string, PushFieldTable>> = ${JSON.stringify(pushKinds(specs), null, 2)};`,
    '',
  );
  return parts.join('\n');
}
