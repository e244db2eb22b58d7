// Types: openapi-typescript turns each client's OpenAPI document into TypeScript (at generation
// only); the named schemas are lifted out of its `components` into standalone declarations in
// generated/types.ts: one interface per params/reply type (reply fields listed under `required` in
// the spec are non-optional), the shared definitions they use, and per client the operations by name
// with TSDoc (summary, doc link, errcodes, @deprecated) and the typed methods mapped from them. No `paths`, no
// `components` map: the published .d.ts holds only what the public types use.
import openapiTS, { astToString } from 'openapi-typescript';
import ts from 'typescript';
import type { ClientName, EndpointIR, GeneratorInput, JsonSchema } from '../ir.js';

/** name → { type text (refs to other schemas by bare name), doc comment lines } */
export type ComponentTypes = Map<string, { type: string; docs: string[]; literal: boolean }>;

/** `unknown`, or unions / intersections / parentheses of nothing but `unknown`. */
function onlyUnknown(t: ts.TypeNode): boolean {
  if (t.kind === ts.SyntaxKind.UnknownKeyword) return true;
  if (ts.isParenthesizedTypeNode(t)) return onlyUnknown(t.type);
  if (ts.isUnionTypeNode(t) || ts.isIntersectionTypeNode(t)) return t.types.every(onlyUnknown);
  return false;
}

export async function componentTypes(doc: JsonSchema): Promise<ComponentTypes> {
  const nodes = await openapiTS(doc as never, {
    alphabetize: false,
    defaultNonNullable: false,
    transform(schema, options) {
      if (schema.format !== 'binary') return undefined;
      return options.path?.includes('/responses/')
        ? ts.factory.createTypeReferenceNode('Uint8Array')
        : ts.factory.createTypeReferenceNode('UploadInput');
    },
  });
  // plain TypeScript API (ts-morph's wrappers cost seconds on a file this size)
  const file = ts.createSourceFile('components.ts', astToString(nodes), ts.ScriptTarget.Latest, true);
  const components = file.statements.find((st): st is ts.InterfaceDeclaration => ts.isInterfaceDeclaration(st) && st.name.text === 'components');
  const schemasMember = components?.members.find((m): m is ts.PropertySignature => ts.isPropertySignature(m) && m.name.getText(file) === 'schemas');
  if (!schemasMember?.type || !ts.isTypeLiteralNode(schemasMember.type)) throw new Error('openapi-typescript output has no components.schemas');
  const out: ComponentTypes = new Map();
  for (const member of schemasMember.type.members) {
    if (!ts.isPropertySignature(member) || !member.type) continue;
    let node: ts.TypeNode = member.type;
    // requireOneOf (anyOf of `required` groups) comes out as `{ … } | unknown | …`, which is unknown:
    // keep the object type (the alternatives are checked at run time).
    // requireOneOf (anyOf of `required` groups) comes out as `{ … } | unknown | …`, which is unknown, and
    // requiredWhen (allOf of if/then) as `{ … } & unknown`: keep the object type (both are checked at run time).
    if (ts.isUnionTypeNode(node) || ts.isIntersectionTypeNode(node)) {
      const literals = node.types.filter(ts.isTypeLiteralNode);
      if (literals.length === 1 && node.types.every((t) => ts.isTypeLiteralNode(t) || onlyUnknown(t))) node = literals[0] as ts.TypeNode;
    }
    const text = node
      .getText(file)
      .replace(/components\["schemas"\]\["([A-Za-z0-9_]+)"\]/g, '$1')
      // nested if/then or anyOf of `required` groups: `{ … } & (unknown & unknown)` is `{ … }`
      .replace(/ & \(unknown(?: [&|] unknown)*\)(?![\w$[])/g, '')
      .replace(/ & unknown(?![\w$[])/g, '')
      .replace(/@description /g, '')
      .replace(/\n *\/\*\* @enum \{\w+\} \*\//g, '')
      .replace(/\n *\* @enum \{\w+\}/g, '')
      // the printer's 4-space indent, 2 levels deep → 2-space indent from the top
      .replace(/\n((?: {4})+)/g, (_m, sp: string) => `\n${' '.repeat(Math.max(0, sp.length / 2 - 4))}`);
    const docs = ts
      .getJSDocCommentsAndTags(member)
      .filter(ts.isJSDoc)
      .flatMap((d) => [ts.getTextOfJSDocComment(d.comment) ?? '', ...(d.tags ?? []).filter((t) => t.tagName.text === 'description').map((t) => ts.getTextOfJSDocComment(t.comment) ?? '')])
      .map((d) => d.trim())
      .filter(Boolean);
    out.set(member.name.getText(file).replace(/^"|"$/g, ''), { type: text, docs, literal: ts.isTypeLiteralNode(node) });
  }
  return out;
}

const CLIENT_CLASS: Record<ClientName, string> = { mp: 'MPTools', oa: 'OATools', component: 'OpenPlatform' };

function escapeDoc(s: string): string {
  return s.replace(/\*\//g, '*\\/');
}

function authLine(ep: EndpointIR): string {
  if (ep.auth === 'access_token') return 'access_token: managed by the client';
  if (ep.auth === 'component_access_token') return `component_access_token: managed by OpenPlatform${ep.credentials ? ` (${ep.credentials.appid} added)` : ''}`;
  if (ep.auth === 'credentials') return `app credentials: ${ep.credentials?.appid}/${ep.credentials?.secret} added by the client (${ep.credentials?.in})`;
  if (ep.auth === 'appid') return `${ep.credentials?.appid} added by the client (${ep.credentials?.in})`;
  return 'no app credential';
}

export function endpointDoc(ep: EndpointIR): string {
  const lines = [escapeDoc(ep.summary)];
  if (ep.description) lines.push('', escapeDoc(ep.description));
  lines.push('', `\`${ep.method} ${ep.host === 'mp' ? 'https://mp.weixin.qq.com' : ''}${ep.path}\` · ${authLine(ep)} · ${ep.idempotent ? 'safe to repeat' : 'not repeated (send-type)'} · reply: ${ep.responseKind}`);
  if (ep.errors.length > 0) {
    lines.push('', 'Errcodes:');
    for (const e of ep.errors) lines.push(`- ${e.errcode}${e.errmsg ? ` \`${escapeDoc(e.errmsg)}\`` : ''}: ${escapeDoc(e.description)}`);
  }
  // a bare URL (editors show it as a link): tsc skips parsing a comment without @see/@link, and ~700 of them add up
  lines.push('', `WeChat docs: ${ep.docUrl}`);
  if (ep.deprecated) lines.push(`@deprecated ${ep.deprecated === true ? 'WeChat has retired this endpoint.' : escapeDoc(ep.deprecated)}`);
  return lines.join('\n');
}

/** Which client's components hold the endpoint's types (an endpoint of both lives in both: use mp). */
const home = (ep: EndpointIR): ClientName => (ep.clients.includes('mp') ? 'mp' : ep.clients.includes('oa') ? 'oa' : 'component');

function hasRequired(ep: EndpointIR): boolean {
  return ep.params.some((p) => p.required) || ep.requireOneOf.length > 0;
}

export function responseTypeName(ep: EndpointIR): string {
  if (ep.responseKind === 'binary') return 'BinaryReply';
  if (ep.responseKind === 'mixed') return `${ep.typeBase}Response & Partial<BinaryReply>`;
  return `${ep.typeBase}Response`;
}

/** A JSDoc block (indented), or nothing for no lines. */
function jsdoc(text: string, indent = ''): string {
  const lines = text.split('\n');
  if (lines.length === 1) return `${indent}/** ${lines[0]} */\n`;
  return `${indent}/**\n${lines.map((l) => `${indent} *${l ? ` ${l}` : ''}`).join('\n')}\n${indent} */\n`;
}

function declaration(name: string, t: { type: string; literal: boolean }, exported: boolean): string {
  const kw = exported ? 'export ' : '';
  return t.literal ? `${kw}interface ${name} ${t.type}\n` : `${kw}type ${name} = ${t.type};\n`;
}

/** generated/types.ts, from both clients' component types (an endpoint of both clients: its mp types). */
export function emitTypes(input: GeneratorInput, components: Record<ClientName, ComponentTypes>): string {
  const take = (ep: EndpointIR, name: string) => {
    const t = components[home(ep)].get(name);
    if (!t) throw new Error(`types: no component ${name} for ${ep.file}`);
    return t;
  };
  const out: string[] = [
    "import type { UploadInput } from '../src/core/upload.js';",
    "import type { WechatData, BinaryReply } from '../src/core/wechat-data.js';",
    "import type { CallOptions } from '../src/core/call-options.js';",
    "import type { PageParams } from '../src/client/paginate.js';",
    '',
  ];
  // Shared definitions (spec/_shared/schemas.yaml) the endpoint types use (module-private names).
  const shared = new Set(Object.keys(input.shared.defs));
  for (const name of [...shared].sort()) {
    const t = components.mp.get(name) ?? components.oa.get(name) ?? components.component.get(name);
    if (!t) continue;
    out.push(`${t.docs.length > 0 ? jsdoc(escapeDoc(t.docs.join('\n'))) : ''}${declaration(name, t, false)}`);
  }
  // <Operation>Params / <Operation>Response: the operation of the same name carries the docs (size budget)
  for (const ep of input.endpoints) {
    out.push(declaration(`${ep.typeBase}Params`, take(ep, `${ep.typeBase}Params`), true));
    if (ep.responseKind !== 'binary') out.push(declaration(`${ep.typeBase}Response`, take(ep, `${ep.typeBase}Response`), true));
  }
  for (const client of ['mp', 'oa', 'component'] as const) {
    const eps = input.endpoints.filter((e) => e.clients.includes(client));
    out.push(operationsInterface(client, eps));
    out.push(methodsType(client, eps));
    out.push(pagedInterface(client, eps));
  }
  return out.join('\n');
}

/** Every operation of a client by name, for `call(name, params)`, each with the endpoint's docs (its method's too). */
function operationsInterface(client: ClientName, eps: EndpointIR[]): string {
  const ops = eps.map((ep) => `${jsdoc(endpointDoc(ep), '  ')}  ${ep.operation}: { params: ${ep.typeBase}Params; response: ${responseTypeName(ep)}; required: ${hasRequired(ep)} };`);
  return `${jsdoc(`Every ${CLIENT_CLASS[client]} operation by name, for \`call(name, params)\` (${eps.length}).`)}export interface ${CLIENT_CLASS[client]}Operations {\n${ops.join('\n')}\n}\n`;
}

/**
 * The endpoint methods of a client: a mapped type over its operations (the bound ones), not one
 * signature per endpoint. A method's hover docs are those of its operation (a filtering `as` clause
 * keeps the member's declaration), and consumers parse and bind one declaration instead of hundreds.
 * The parameters are plain (not a rest tuple): `options` accepts `undefined` under exactOptionalPropertyTypes.
 */
function methodsType(client: ClientName, eps: EndpointIR[]): string {
  const ops = `${CLIENT_CLASS[client]}Operations`;
  const unbound = eps.filter((ep) => !ep.bindMethod).map((ep) => `'${ep.operation}'`);
  const keys = unbound.length > 0 ? `K in keyof ${ops} as K extends ${unbound.join(' | ')} ? never : K` : `K in keyof ${ops}`;
  const reply = `Promise<WechatData<${ops}[K]['response']>>`;
  const doc = `The generated endpoint methods of ${CLIENT_CLASS[client]} (${eps.length - unbound.length}): one per operation${unbound.length > 0 ? ` but ${unbound.join(', ').replace(/'/g, '')} (call() only)` : ''}, documented on ${ops}.`;
  return `${jsdoc(doc)}export type ${CLIENT_CLASS[client]}Methods = {
  [${keys}]: ${ops}[K]['required'] extends true
    ? (params: ${ops}[K]['params'], options?: CallOptions) => ${reply}
    : (params?: ${ops}[K]['params'], options?: CallOptions) => ${reply};
};
`;
}

/** `NonNullable<NonNullable<R>['data']>['openid']`: the type at a dot path of a reply type. */
function typeAt(base: string, path: string): string {
  return path.split('.').reduce((t, key) => `NonNullable<${t}>['${key}']`, base);
}

/** Every paginated operation of a client: the params of paginate(), the item type (from the reply schema), the reply. */
function pagedInterface(client: ClientName, eps: EndpointIR[]): string {
  const paged = eps.filter((ep) => ep.pagination && ep.responseKind !== 'binary');
  const props = paged.map((ep) => {
    const rule = ep.pagination!;
    const moving = rule.style === 'window' ? undefined : rule.param;
    const params = moving ? `PageParams<${ep.typeBase}Params, '${moving}'>` : `${ep.typeBase}Params`;
    const required = ep.params.some((p) => p.required && p.name !== moving) || ep.requireOneOf.length > 0;
    const doc = `${escapeDoc(ep.summary)} (${rule.style}: ${rule.param}; items: ${rule.items})`;
    return `${jsdoc(doc, '  ')}  ${ep.operation}: { params: ${params}; item: NonNullable<${typeAt(`${ep.typeBase}Response`, rule.items)}>[number]; response: ${ep.typeBase}Response; required: ${required} };`;
  });
  return `${jsdoc(`Every ${CLIENT_CLASS[client]} operation that \`paginate(name, params)\` pages through (${paged.length}).`)}export interface ${CLIENT_CLASS[client]}Paginated {\n${props.join('\n')}\n}\n`;
}
