// The OpenAPI 3.1 document of one client (Mini Program or Official Account), committed as
// generated/openapi-<client>.json and fed to openapi-typescript.
import type { ClientName, EndpointIR, GeneratorInput, JsonSchema } from '../ir.js';
import { mapSchema, paramsSchema, referencedDefs, responseSchema } from '../schemas.js';

export const HOSTS: Record<EndpointIR['host'], string> = {
  api: 'https://api.weixin.qq.com',
  mp: 'https://mp.weixin.qq.com',
};

const TITLES: Record<ClientName, string> = {
  mp: 'WeChat Mini Program server API (小程序服务端接口)',
  oa: 'WeChat Official Account API (公众号接口)',
  component: 'WeChat third-party platform API (第三方平台接口, component_access_token)',
};

const componentRef = (name: string) => `#/components/schemas/${name}`;

function operationObject(ep: EndpointIR): JsonSchema {
  const op: JsonSchema = {
    operationId: ep.operation,
    summary: ep.summary,
    ...(ep.description ? { description: ep.description } : {}),
    externalDocs: { url: ep.docUrl },
    tags: [ep.family],
    ...(ep.deprecated ? { deprecated: true } : {}),
  };
  if (ep.host !== 'api') op['servers'] = [{ url: HOSTS[ep.host] }];
  const parameters: JsonSchema[] = ep.params
    .filter((p) => p.in === 'query')
    .map((p) => ({ name: p.name, in: 'query', required: p.required, schema: mapSchema(p.schema, componentRef, false) }));
  if (ep.auth === 'access_token') parameters.unshift({ name: 'access_token', in: 'query', required: true, schema: { type: 'string' } });
  if (ep.auth === 'component_access_token') parameters.unshift({ name: 'component_access_token', in: 'query', required: true, schema: { type: 'string' } });
  if (ep.auth === 'component_access_token' && ep.credentials?.in === 'query') parameters.push({ name: ep.credentials.appid, in: 'query', required: true, schema: { type: 'string' } });
  if (ep.credentials?.in === 'query' && ep.auth !== 'component_access_token') {
    parameters.unshift({ name: ep.credentials.appid, in: 'query', required: true, schema: { type: 'string' } });
    if (ep.auth === 'credentials') parameters.splice(1, 0, { name: ep.credentials.secret, in: 'query', required: true, schema: { type: 'string' } });
  }
  for (const [name, value] of Object.entries(ep.constants.query)) parameters.push({ name, in: 'query', required: true, schema: { const: value } });
  if (parameters.length > 0) op['parameters'] = parameters;

  if (ep.bodyKind !== 'none') {
    const bodyParams = ep.params.filter((p) => p.in === 'body' || p.in === 'multipart');
    const properties: Record<string, JsonSchema> = {};
    for (const p of bodyParams) properties[p.name] = p.file ? { type: 'string', format: 'binary' } : mapSchema(p.schema, componentRef, false);
    if (ep.credentials?.in === 'body' && ep.auth === 'component_access_token') properties[ep.credentials.appid] = { type: 'string' };
    else if (ep.credentials?.in === 'body') {
      properties[ep.credentials.appid] = { type: 'string' };
      if (ep.auth === 'credentials') properties[ep.credentials.secret] = { type: 'string' };
    }
    for (const [name, value] of Object.entries(ep.constants.body)) properties[name] = { const: value };
    const required = bodyParams.filter((p) => p.required).map((p) => p.name);
    const media = ep.bodyKind === 'multipart' ? 'multipart/form-data' : 'application/json';
    op['requestBody'] = {
      required: true,
      content: { [media]: { schema: { type: 'object', properties, ...(required.length > 0 ? { required } : {}) } } },
    };
  }

  const json = { 'application/json': { schema: { $ref: componentRef(`${ep.typeBase}Response`) } } };
  const error = { 'application/json': { schema: { $ref: componentRef('WechatErrorBody') } } };
  const binary = { 'application/octet-stream': { schema: { type: 'string', format: 'binary' } } };
  const content = ep.responseKind === 'json' ? json : ep.responseKind === 'binary' ? { ...binary, ...error } : { ...binary, ...json };
  op['responses'] = {
    '200': {
      description: ep.responseKind === 'json' ? 'JSON (errcode ≠ 0 on failure, also with HTTP 200)' : 'Bytes on success, JSON errcode/errmsg on failure',
      content,
    },
  };
  op['x-wechat'] = {
    auth: ep.auth,
    idempotent: ep.idempotent,
    clients: ep.clients,
    spec: ep.file,
    ...(ep.errors.length > 0 ? { errcodes: ep.errors.map((e) => e.errcode) } : {}),
  };
  return op;
}

export function buildOpenApi(input: GeneratorInput, client: ClientName): JsonSchema {
  const endpoints = input.endpoints.filter((e) => e.clients.includes(client));
  const paths: Record<string, Record<string, JsonSchema>> = {};
  const schemas: Record<string, JsonSchema> = {
    WechatErrorBody: {
      type: 'object',
      description: 'The error reply: errcode ≠ 0 and errmsg (with a " rid: …" suffix)',
      required: ['errcode', 'errmsg'],
      properties: { errcode: { type: 'integer' }, errmsg: { type: 'string' } },
    },
  };
  const used = referencedDefs(
    endpoints.flatMap((e) => [e.responseSchema ?? {}, ...e.params.map((p) => p.schema)]),
    input.shared.defs,
  );
  for (const name of used) schemas[name] = mapSchema(input.shared.defs[name] ?? {}, componentRef, false);
  for (const ep of endpoints) {
    const pathItem = (paths[ep.path] ??= {});
    pathItem[ep.method.toLowerCase()] = operationObject(ep);
    schemas[`${ep.typeBase}Params`] = { description: `Params of ${ep.operation}`, ...paramsSchema(ep, componentRef, false) };
    if (ep.responseKind !== 'binary') schemas[`${ep.typeBase}Response`] = responseSchema(ep, componentRef, false);
  }
  const sortedPaths = Object.fromEntries(Object.keys(paths).sort().map((k) => [k, paths[k]]));
  const sortedSchemas = Object.fromEntries(Object.keys(schemas).sort().map((k) => [k, schemas[k]]));
  return {
    openapi: '3.1.0',
    info: {
      title: TITLES[client],
      version: '1.0.0',
      description: 'Generated by wechat-tools codegen from spec/**/*.yaml. Do not edit: change the specs and run `npm run generate`.',
    },
    servers: [{ url: HOSTS.api }],
    paths: sortedPaths,
    components: { schemas: sortedSchemas },
  };
}
