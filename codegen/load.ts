// Step 1: read spec/**/*.yaml and check each file against the meta-schema.
import path from 'node:path';
import { Ajv2020 } from 'ajv/dist/2020.js';
import type { ErrorObject } from 'ajv';
import { readYaml } from './read-yaml.js';
import { filesUnder } from './files.js';
import { SpecError, formatAjvError } from './spec-error.js';
import type { ErrcodeEntry, JsonSchema, LoadedSpec, SharedDefs, SpecDoc } from './ir.js';

export { SpecError, formatAjvError } from './spec-error.js';

/** The endpoint spec files: YAML under spec/, skipping _meta, _shared, _fixtures and dot folders. */
async function listYaml(dir: string): Promise<string[]> {
  return (await filesUnder(dir)).filter((f) => /\.ya?ml$/.test(f) && !path.relative(dir, f).split(path.sep).some((part) => part.startsWith('_') || part.startsWith('.')));
}



/** The most useful of ajv's errors: for oneOf/anyOf failures ajv reports every branch; keep the deepest. */
function pickErrors(errors: ErrorObject[]): ErrorObject[] {
  const deepest = Math.max(...errors.map((e) => e.instancePath.split('/').length));
  const deep = errors.filter((e) => e.instancePath.split('/').length === deepest && e.keyword !== 'oneOf');
  const seen = new Set<string>();
  return (deep.length > 0 ? deep : errors).filter((e) => {
    const key = `${e.instancePath} ${e.message}`;
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
}

export async function loadSpecs(root: string, only: string[] = []): Promise<{ specs: LoadedSpec[]; shared: SharedDefs }> {
  const specDir = path.join(root, 'spec');
  const problems: string[] = [];
  const rel = (f: string) => path.relative(root, f).split(path.sep).join('/');

  const metaSchema = (await readYaml(path.join(specDir, '_meta/endpoint.schema.yaml'), 'spec/_meta/endpoint.schema.yaml', problems)) as JsonSchema;
  const schemas = (await readYaml(path.join(specDir, '_shared/schemas.yaml'), 'spec/_shared/schemas.yaml', problems)) as { $defs?: Record<string, JsonSchema> } | undefined;
  const errcodes = (await readYaml(path.join(specDir, '_shared/errcodes.yaml'), 'spec/_shared/errcodes.yaml', problems)) as { errcodes?: ErrcodeEntry[] } | undefined;
  if (problems.length > 0) throw new SpecError(problems);

  const ajv = new Ajv2020({ allErrors: true, strict: false });
  const validate = ajv.compile(metaSchema);
  // The shared definitions must themselves be valid schemas of the accepted subset.
  const defsCheck = ajv.compile({ type: 'object', additionalProperties: { $ref: `${String(metaSchema['$id'])}#/$defs/schema` } });
  if (!defsCheck(schemas?.$defs ?? {})) {
    for (const e of pickErrors(defsCheck.errors ?? [])) problems.push(formatAjvError('spec/_shared/schemas.yaml', { ...e, instancePath: `/$defs${e.instancePath}` }));
  }

  const specs: LoadedSpec[] = [];
  const wanted = (f: string) => only.length === 0 || only.some((prefix) => rel(f).startsWith(prefix.replace(/^\.\//, '')));
  // spec/push/ holds pushed messages and events (codegen/push.ts), not endpoints.
  const files = (await listYaml(specDir)).filter((f) => !path.relative(specDir, f).startsWith(`push${path.sep}`)).filter(wanted).sort();
  for (const file of files) {
    const shown = rel(file);
    const doc = await readYaml(file, shown, problems);
    if (doc === undefined) continue;
    if (doc && typeof doc === 'object' && 'overrides' in doc) problems.push(`${shown}: /overrides: only for specs outside this repository (wechat-tools generate --specs)`);
    if (!validate(doc)) {
      for (const e of pickErrors(validate.errors ?? [])) problems.push(formatAjvError(shown, e));
      continue;
    }
    const parts = path.relative(specDir, file).split(path.sep);
    if (parts.length !== 3) {
      problems.push(`${shown}: a spec lives at spec/<platform>/<family>/<operation>.yaml`);
      continue;
    }
    const [platform, family, base] = parts as [string, string, string];
    const id = `${platform}/${family}/${base.replace(/\.ya?ml$/, '')}`;
    specs.push({ file: shown, id, platform, family, doc: doc as SpecDoc });
  }
  if (problems.length > 0) throw new SpecError(problems);
  return { specs, shared: { defs: schemas?.$defs ?? {}, errcodes: errcodes?.errcodes ?? [] } };
}
