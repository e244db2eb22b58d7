// Step 2: turn loaded specs into the intermediate form and check what one file cannot check alone:
// unique names per client, unique method + path per client, required fields that exist, examples
// that match their own schemas, known shared definitions.
import { createRequire } from 'node:module';
import type { EndpointIR, JsonSchema, LoadedSpec, SharedDefs } from './ir.js';
import { SpecError, formatAjvError, type SchemaChecker } from './spec-error.js';
import { checkDateRule, checkPagination } from './paging.js';
import { paramsSchema, referencedDefs, responseSchema } from './schemas.js';

const PLATFORM_CLIENTS: Record<string, string[] | undefined> = {
  miniprogram: ['mp'],
  officialaccount: ['oa'],
  common: undefined,
  component: ['component'],
};

const pascal = (s: string) => s.charAt(0).toUpperCase() + s.slice(1);

function findFalseAdditional(schema: unknown, at: string, out: string[]): void {
  if (Array.isArray(schema)) return schema.forEach((s, i) => findFalseAdditional(s, `${at}/${i}`, out));
  if (!schema || typeof schema !== 'object') return;
  for (const [k, v] of Object.entries(schema)) {
    if (k === 'additionalProperties' && v === false) out.push(at);
    else findFalseAdditional(v, `${at}/${k}`, out);
  }
}

/** The schema at a dot path through `properties` (undefined when a step is not declared). */
function schemaAt(schema: JsonSchema | undefined, path: string): JsonSchema | undefined {
  let cur = schema;
  for (const key of path.split('.')) {
    const props = cur?.['properties'] as Record<string, JsonSchema> | undefined;
    cur = props?.[key];
  }
  return cur;
}

/** The repository's example check: ajv (a devDependency, loaded only here; user specs bring their own checker). */
function ajvChecker(shared: SharedDefs): SchemaChecker {
  const require = createRequire(import.meta.url);
  const { Ajv2020 } = require('ajv/dist/2020.js') as typeof import('ajv/dist/2020.js');
  const ajv = new Ajv2020({ allErrors: true, strict: false });
  ajv.addSchema({ $id: 'shared', $defs: shared.defs });
  return {
    ref: (name) => `shared#/$defs/${name}`,
    compile(schema) {
      const v = ajv.compile(schema);
      return (data) => (v(data) ? [] : (v.errors ?? []));
    },
  };
}

export function normalize(specs: LoadedSpec[], shared: SharedDefs, checker?: SchemaChecker): EndpointIR[] {
  const problems: string[] = [];
  const endpoints: EndpointIR[] = [];
  const opCount = new Map<string, number>();
  for (const s of specs) opCount.set(s.doc.operation, (opCount.get(s.doc.operation) ?? 0) + 1);

  for (const spec of specs) {
    const { doc, file } = spec;
    const allowed = PLATFORM_CLIENTS[spec.platform];
    if (!(spec.platform in PLATFORM_CLIENTS)) problems.push(`${file}: unknown platform folder "${spec.platform}" (miniprogram, officialaccount, common, component)`);
    else if (allowed && doc.clients.some((c) => !allowed.includes(c))) problems.push(`${file}: /clients: a ${spec.platform} spec is for ${allowed.join(', ')} only`);
    if (!spec.id.endsWith(`/${doc.operation}`)) problems.push(`${file}: /operation: the file name must be the operation name (${doc.operation}.yaml)`);

    const req = doc.request ?? {};
    const required = new Set(req.required ?? []);
    const params: EndpointIR['params'] = [];
    const seen = new Set<string>();
    for (const loc of ['query', 'body', 'multipart'] as const) {
      for (const [name, schema] of Object.entries(req[loc] ?? {})) {
        if (seen.has(name)) problems.push(`${file}: /request/${loc}/${name}: also declared in another location`);
        seen.add(name);
        const isFile = loc === 'multipart' && schema['format'] === 'binary';
        params.push({ name, in: loc, schema, required: required.has(name), file: isFile });
      }
    }
    if (req.sessionKeySignature) {
      const to = req.sessionKeySignature.to;
      const target = params.find((p) => p.name === to);
      if (!target) problems.push(`${file}: /request/sessionKeySignature/to: "${to}" is not a declared param`);
      else if (target.required) problems.push(`${file}: /request/required: "${to}" cannot be required when session_key may replace it`);
      if (seen.has('session_key')) problems.push(`${file}: /request: session_key is added by sessionKeySignature; do not declare it`);
      params.push({
        name: 'session_key',
        in: 'local',
        schema: { type: 'string', minLength: 1, description: `会话密钥 session_key: pass it instead of ${to}, which the client then computes (HMAC-SHA256); it is never sent to WeChat` },
        required: false,
        file: false,
      });
      seen.add('session_key');
    }
    if (req.signatures) {
      if (doc.method !== 'POST' || doc.auth !== 'access_token' || req.multipart) problems.push(`${file}: /request/signatures: needs a JSON POST with auth access_token (the signatures cover the JSON body)`);
      if (req.sessionKeySignature) problems.push(`${file}: /request/signatures: excludes sessionKeySignature (userSig is the user signature)`);
      for (const name of ['pay_sig', 'signature']) if (seen.has(name)) problems.push(`${file}: /request: ${name} is added by signatures; do not declare it`);
      if (req.signatures.includes('userSig')) {
        if (seen.has('session_key')) problems.push(`${file}: /request: session_key is added by signatures: [userSig]; do not declare it`);
        params.push({
          name: 'session_key',
          in: 'local',
          schema: { type: 'string', minLength: 1, description: "会话密钥 session_key: the client computes the user signature (signature) with it; it is never sent to WeChat" },
          required: true,
          file: false,
        });
        seen.add('session_key');
      }
    }
    if (req.apiSecurity) {
      if (doc.method !== 'POST' || doc.auth !== 'access_token' || req.multipart || doc.response.kind !== 'json') problems.push(`${file}: /request/apiSecurity: needs a JSON POST with auth access_token and a JSON reply (the params travel in an encrypted JSON body)`);
      if (req.signatures) problems.push(`${file}: /request/apiSecurity: excludes signatures (both rewrite the body the client sends)`);
      if (req.sessionKeySignature) problems.push(`${file}: /request/apiSecurity: excludes sessionKeySignature (the signature would cover the plaintext, not the body sent)`);
    }
    if (req.ownAppid) {
      const own = params.find((p) => p.name === req.ownAppid);
      if (!own) problems.push(`${file}: /request/ownAppid: "${req.ownAppid}" is not a declared param`);
      else own.required = false; // the client fills it in
    }
    const pagination = checkPagination(file, doc, params, problems);
    const dateRule = checkDateRule(file, doc, params, problems);
    for (const name of required) if (!seen.has(name)) problems.push(`${file}: /request/required: "${name}" is not a declared param`);
    for (const group of req.requireOneOf ?? []) for (const name of group) if (!seen.has(name)) problems.push(`${file}: /request/requireOneOf: "${name}" is not a declared param`);
    for (const [i, rule] of (req.requiredWhen ?? []).entries()) {
      for (const name of [...Object.keys(rule.when), ...rule.required]) if (!seen.has(name)) problems.push(`${file}: /request/requiredWhen/${i}: "${name}" is not a declared param`);
      for (const name of rule.required) if (required.has(name)) problems.push(`${file}: /request/requiredWhen/${i}: "${name}" is always required (listed in /request/required)`);
    }
    const constants = { query: req.constants?.query ?? {}, body: req.constants?.body ?? {} };
    for (const name of [...Object.keys(constants.query), ...Object.keys(constants.body)]) {
      if (seen.has(name)) problems.push(`${file}: /request/constants/${name}: a constant cannot also be a param`);
    }
    if (doc.method === 'GET' && (req.body || req.multipart || Object.keys(constants.body).length > 0)) problems.push(`${file}: /request: a GET has no body`);
    if (req.body && req.multipart) problems.push(`${file}: /request: body and multipart exclude each other`);
    const usesCredentials = doc.auth === 'credentials' || doc.auth === 'appid';
    if (usesCredentials && !doc.credentials) problems.push(`${file}: /credentials: required with auth: ${doc.auth}`);
    if (!usesCredentials && doc.auth !== 'component_access_token' && doc.credentials) problems.push(`${file}: /credentials: only with auth: credentials, appid or component_access_token`);
    if (doc.auth === 'component_access_token' && doc.credentials?.secret) problems.push(`${file}: /credentials/secret: auth component_access_token injects no secret`);
    if (doc.response.kind === 'json' && !doc.response.schema) problems.push(`${file}: /response/schema: required for a JSON reply`);
    const falseAt: string[] = [];
    findFalseAdditional(doc.response.schema, '/response/schema', falseAt);
    for (const at of falseAt) problems.push(`${file}: ${at}: additionalProperties false in a response would reject fields WeChat adds`);
    for (const name of referencedDefs([doc as unknown as JsonSchema], shared.defs)) {
      if (!(name in shared.defs)) problems.push(`${file}: $ref to unknown shared definition "${name}" (spec/_shared/schemas.yaml)`);
    }

    if (req.rawBody) {
      const raw = params.find((p) => p.name === req.rawBody?.param);
      if (!raw || raw.in !== 'body') problems.push(`${file}: /request/rawBody/param: "${req.rawBody.param}" must be a param declared in /request/body`);
      if (params.some((p) => p.in === 'body' && p.name !== req.rawBody?.param)) problems.push(`${file}: /request/rawBody: the raw param is the whole body; the other params go to /request/query`);
      if (doc.method !== 'POST' || req.multipart || Object.keys(constants.body).length > 0 || req.signatures || req.apiSecurity || req.sessionKeySignature) {
        problems.push(`${file}: /request/rawBody: needs a POST without multipart, body constants, signatures, apiSecurity or sessionKeySignature`);
      }
      if (raw && req.rawBody.contentType === 'text/plain' && raw.schema['type'] !== 'string') problems.push(`${file}: /request/rawBody: a text/plain body param has type string`);
    }
    if (doc.response.failureField) {
      if (doc.response.kind === 'binary') problems.push(`${file}: /response/failureField: needs a JSON reply`);
      for (const which of ['code', 'message'] as const) {
        const at = doc.response.failureField[which];
        if (at !== undefined && !schemaAt(doc.response.schema, at)) problems.push(`${file}: /response/failureField/${which}: "${at}" is not a field of /response/schema`);
      }
    }
    const bodyKind = req.multipart ? 'multipart' : doc.method === 'POST' ? 'json' : 'none';
    const host = doc.host ?? 'api';
    const ep: EndpointIR = {
      id: spec.id,
      file,
      group: `${spec.platform}-${spec.family}`,
      platform: spec.platform,
      family: spec.family,
      operation: doc.operation,
      clients: [...doc.clients].sort(),
      summary: doc.summary.trim(),
      ...(doc.description ? { description: doc.description.trim() } : {}),
      docUrl: doc.docUrl,
      ...(doc.deprecated ? { deprecated: doc.deprecated === true ? true : doc.deprecated } : {}),
      bindMethod: doc.bindMethod ?? true,
      method: doc.method,
      host,
      path: doc.path,
      auth: doc.auth,
      ...(doc.credentials
        ? { credentials: { in: doc.credentials.in, appid: doc.credentials.appid ?? 'appid', secret: doc.credentials.secret ?? 'secret' } }
        : {}),
      idempotent: doc.idempotent,
      params,
      requireOneOf: [...(req.requireOneOf ? [req.requireOneOf] : []), ...(req.sessionKeySignature ? [[[req.sessionKeySignature.to], ['session_key']]] : [])],
      ...(req.ownAppid ? { ownAppid: req.ownAppid } : {}),
      ...(req.signatures ? { signatures: [...req.signatures] } : {}),
      ...(req.apiSecurity ? { apiSecurity: req.apiSecurity } : {}),
      ...(req.componentVariant ? { componentVariant: req.componentVariant } : {}),
      ...(req.sessionKeySignature ? { signFrom: { from: 'session_key' as const, to: req.sessionKeySignature.to } } : {}),
      constants,
      requiredWhen: req.requiredWhen ?? [],
      ...(req.rawBody ? { rawBody: { param: req.rawBody.param, contentType: req.rawBody.contentType } } : {}),
      ...(doc.response.failureField ? { failureField: { ...doc.response.failureField } } : {}),
      bodyKind,
      responseKind: doc.response.kind,
      ...(doc.response.schema ? { responseSchema: doc.response.schema } : {}),
      ...(pagination ? { pagination } : {}),
      ...(dateRule ? { dateRule } : {}),
      errors: doc.errors ?? [],
      examples: doc.examples,
      typeBase: (opCount.get(doc.operation) ?? 0) > 1 ? pascal(spec.platform === 'common' ? 'common' : spec.platform === 'miniprogram' ? 'mp' : spec.platform === 'component' ? 'component' : 'oa') + pascal(doc.operation) : pascal(doc.operation),
    };
    endpoints.push(ep);
  }

  // Names and routes unique per client.
  for (const client of ['mp', 'oa', 'component'] as const) {
    const byOp = new Map<string, string>();
    const byRoute = new Map<string, string>();
    for (const ep of endpoints.filter((e) => e.clients.includes(client))) {
      const prev = byOp.get(ep.operation);
      if (prev) problems.push(`${ep.file}: /operation: "${ep.operation}" is already a ${client} operation in ${prev}`);
      byOp.set(ep.operation, ep.file);
      const route = `${ep.method} ${ep.host}${ep.path}`;
      const prevRoute = byRoute.get(route);
      if (prevRoute) problems.push(`${ep.file}: /path: ${ep.method} ${ep.path} is already a ${client} endpoint in ${prevRoute}`);
      byRoute.set(route, ep.file);
    }
  }
  // A componentVariant names an operation of the same clients that takes the platform's token.
  for (const ep of endpoints) {
    if (!ep.componentVariant) continue;
    const v = endpoints.find((e) => e.operation === ep.componentVariant && ep.clients.every((c) => e.clients.includes(c)));
    if (!v) problems.push(`${ep.file}: /request/componentVariant: no operation "${ep.componentVariant}" for ${ep.clients.join(', ')}`);
    else if (v.auth !== 'component_access_token') problems.push(`${ep.file}: /request/componentVariant: ${v.operation} must have auth component_access_token`);
  }
  const typeNames = new Map<string, string>();
  for (const ep of endpoints) {
    const prev = typeNames.get(ep.typeBase);
    if (prev) problems.push(`${ep.file}: type name ${ep.typeBase} collides with ${prev}`);
    typeNames.set(ep.typeBase, ep.file);
  }
  if (problems.length > 0) throw new SpecError(problems);

  checkExamples(endpoints, checker ?? ajvChecker(shared), problems);
  if (problems.length > 0) throw new SpecError(problems);
  return endpoints;
}

/** Every example must match the endpoint's own schemas; success and error examples must both exist. */
function checkExamples(endpoints: EndpointIR[], checker: SchemaChecker, problems: string[]): void {
  const ref = (name: string) => checker.ref(name);
  for (const ep of endpoints) {
    const vParams = checker.compile(paramsSchema(ep, ref, true));
    const vResponse = checker.compile(responseSchema(ep, ref, true));
    let successes = 0;
    let failures = 0;
    ep.examples.forEach((ex, i) => {
      const at = `${ep.file}: /examples/${i} (${ex.name})`;
      for (const e of vParams(ex.params ?? {})) problems.push(formatAjvError(`${at} params`, e));
      const errcode = ex.response?.['errcode'];
      if (typeof errcode === 'number' && errcode !== 0) {
        failures++;
        const errmsg = ex.response?.['errmsg'];
        if (typeof errmsg !== 'string' || !/ rid: [0-9a-f-]+$/.test(errmsg)) problems.push(`${at}: an error example's errmsg ends with WeChat's " rid: …" suffix`);
      } else {
        successes++;
        if (ex.binary && ep.responseKind === 'json') problems.push(`${at}: a binary example on a JSON endpoint`);
        if (!ex.binary && ep.responseKind === 'binary') problems.push(`${at}: the success example of a binary endpoint is binary`);
        if (ex.response) for (const e of vResponse(ex.response)) problems.push(formatAjvError(`${at} response`, e));
      }
    });
    if (successes === 0) problems.push(`${ep.file}: /examples: needs at least one success example`);
    if (failures === 0) problems.push(`${ep.file}: /examples: needs at least one error example (errcode ≠ 0)`);
  }
}
