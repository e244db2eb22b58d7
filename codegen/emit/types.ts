// Types: openapi-typescript turns each client's OpenAPI document into generated/openapi-<client>.ts
// (the `paths` that openapi-fetch understands, and `components`); ts-morph then writes
// generated/types.ts with a named alias per params/response type and the typed method
// declarations of MPTools and OATools, each with TSDoc (summary, doc link, errcodes, @deprecated).
import openapiTS, { astToString } from 'openapi-typescript';
import ts from 'typescript';
import { type InterfaceDeclarationStructure, type OptionalKind, type MethodSignatureStructure, type SourceFileStructure, type StatementStructures, StructureKind } from 'ts-morph';
import type { ClientName, EndpointIR, GeneratorInput, JsonSchema } from '../ir.js';

export async function emitOpenApiTypes(doc: JsonSchema): Promise<string> {
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
  return `import type { UploadInput } from '../src/core/upload.js';\n\n${astToString(nodes)}`;
}

const CLIENT_CLASS: Record<ClientName, string> = { mp: 'MPTools', oa: 'OATools', component: 'OpenPlatform' };
const CLIENT_ALIAS: Record<ClientName, string> = { mp: 'MP', oa: 'OA', component: 'Component' };

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
  lines.push('', `@see {@link ${ep.docUrl} WeChat docs} · spec: ${ep.file}`);
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

export function emitTypes(input: GeneratorInput): SourceFileStructure {
  const statements: StatementStructures[] = [];
  const push = (s: StatementStructures) => statements.push(s);
  push({ kind: StructureKind.ImportDeclaration, moduleSpecifier: './openapi-mp.js', namedImports: [{ name: 'components', alias: 'MPComponents' }], isTypeOnly: true });
  push({ kind: StructureKind.ImportDeclaration, moduleSpecifier: './openapi-oa.js', namedImports: [{ name: 'components', alias: 'OAComponents' }], isTypeOnly: true });
  push({ kind: StructureKind.ImportDeclaration, moduleSpecifier: './openapi-component.js', namedImports: [{ name: 'components', alias: 'ComponentComponents' }], isTypeOnly: true });
  push({ kind: StructureKind.ImportDeclaration, moduleSpecifier: '../src/core/wechat-data.js', namedImports: ['WechatData', 'BinaryReply'], isTypeOnly: true });
  push({ kind: StructureKind.ImportDeclaration, moduleSpecifier: '../src/core/call-options.js', namedImports: ['CallOptions'], isTypeOnly: true });
  push({ kind: StructureKind.ImportDeclaration, moduleSpecifier: '../src/client/paginate.js', namedImports: ['PageParams'], isTypeOnly: true });
  push({ kind: StructureKind.TypeAlias, isExported: true, name: 'MP', type: "MPComponents['schemas']", docs: ['Schemas of the Mini Program OpenAPI document.'] });
  push({ kind: StructureKind.TypeAlias, isExported: true, name: 'OA', type: "OAComponents['schemas']", docs: ['Schemas of the Official Account OpenAPI document.'] });
  push({ kind: StructureKind.TypeAlias, isExported: true, name: 'Component', type: "ComponentComponents['schemas']", docs: ['Schemas of the third-party platform OpenAPI document.'] });

  for (const ep of input.endpoints) {
    const from = CLIENT_ALIAS[home(ep)];
    push({ kind: StructureKind.TypeAlias, isExported: true, name: `${ep.typeBase}Params`, type: `${from}['${ep.typeBase}Params']`, docs: [`Params of {@link ${CLIENT_CLASS[home(ep)]}.${ep.operation}}, in WeChat's wire names.\n\n${endpointDoc(ep)}`] });
    if (ep.responseKind !== 'binary') {
      push({ kind: StructureKind.TypeAlias, isExported: true, name: `${ep.typeBase}Response`, type: `${from}['${ep.typeBase}Response']`, docs: [`Reply fields of ${ep.operation}.\n\n@see {@link ${ep.docUrl} WeChat docs}`] });
    }
  }

  for (const client of ['mp', 'oa', 'component'] as const) {
    const eps = input.endpoints.filter((e) => e.clients.includes(client));
    const methods: OptionalKind<MethodSignatureStructure>[] = eps
      .filter((ep) => ep.bindMethod)
      .map((ep) => ({
        name: ep.operation,
        docs: [endpointDoc(ep)],
        parameters: [
          { name: 'params', type: `${ep.typeBase}Params`, hasQuestionToken: !hasRequired(ep) },
          { name: 'options', type: 'CallOptions', hasQuestionToken: true },
        ],
        returnType: `Promise<WechatData<${responseTypeName(ep)}>>`,
      }));
    const methodsIface: InterfaceDeclarationStructure = {
      kind: StructureKind.Interface,
      isExported: true,
      name: `${CLIENT_CLASS[client]}Methods`,
      docs: [`The generated endpoint methods of ${CLIENT_CLASS[client]} (${methods.length}).`],
      methods,
    };
    const opsIface: InterfaceDeclarationStructure = {
      kind: StructureKind.Interface,
      isExported: true,
      name: `${CLIENT_CLASS[client]}Operations`,
      docs: [`Every ${CLIENT_CLASS[client]} operation by name, for \`call(name, params)\` (${eps.length}).`],
      properties: eps.map((ep) => ({
        name: ep.operation,
        docs: [escapeDoc(ep.summary)],
        type: `{ params: ${ep.typeBase}Params; response: ${responseTypeName(ep)}; required: ${hasRequired(ep)} }`,
      })),
    };
    const paged = pagedInterface(client, eps);
    push(methodsIface);
    push(opsIface);
    push(paged);
  }
  return { kind: StructureKind.SourceFile, statements };
}

/** `NonNullable<NonNullable<R>['data']>['openid']`: the type at a dot path of a reply type. */
function typeAt(base: string, path: string): string {
  return path.split('.').reduce((t, key) => `NonNullable<${t}>['${key}']`, base);
}

/** Every paginated operation of a client: the params of paginate(), the item type (from the reply schema), the reply. */
function pagedInterface(client: ClientName, eps: EndpointIR[]): InterfaceDeclarationStructure {
  const paged = eps.filter((ep) => ep.pagination && ep.responseKind !== 'binary');
  return {
    kind: StructureKind.Interface,
    isExported: true,
    name: `${CLIENT_CLASS[client]}Paginated`,
    docs: [`Every ${CLIENT_CLASS[client]} operation that \`paginate(name, params)\` pages through (${paged.length}).`],
    properties: paged.map((ep) => {
      const rule = ep.pagination!;
      const moving = rule.style === 'window' ? undefined : rule.param;
      const params = moving ? `PageParams<${ep.typeBase}Params, '${moving}'>` : `${ep.typeBase}Params`;
      const required = ep.params.some((p) => p.required && p.name !== moving) || ep.requireOneOf.length > 0;
      return {
        name: ep.operation,
        docs: [`${escapeDoc(ep.summary)} (${rule.style}: ${rule.param}; items: ${rule.items})`],
        type: `{ params: ${params}; item: NonNullable<${typeAt(`${ep.typeBase}Response`, rule.items)}>[number]; response: ${ep.typeBase}Response; required: ${required} }`,
      };
    }),
  };
}
