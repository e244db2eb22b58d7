// Read the user's spec folder and check each file against the published meta-schema with the
// package's own validator (src/validate/compile.ts; no ajv at the user's), in the repository's message
// format: `<file>: <JSON pointer>: <what is wrong>`.
import { readdir } from 'node:fs/promises';
import path from 'node:path';
import { readYaml } from '../read-yaml.js';
import { SchemaCompiler } from '../../src/validate/compile.js';
import type { ErrcodeEntry, JsonSchema, LoadedSpec, SharedDefs, SpecDoc } from '../ir.js';
import { SpecError, formatAjvError, type SchemaChecker } from '../spec-error.js';

/** Keywords of the meta-schema that never change a verdict (and `propertyNames`, which the runtime validator does not interpret: param names are checked by the request/param rules instead). */
const META_IGNORED = new Set(['$schema', '$id', 'title', 'description', 'examples', 'default', 'deprecated', 'format', '$comment', 'propertyNames']);

/** The validating keywords of a schema node, recursively (annotations dropped; property names kept as they are). */
export function validatingPart(schema: JsonSchema): JsonSchema {
  const out: JsonSchema = {};
  for (const [k, v] of Object.entries(schema)) {
    if (META_IGNORED.has(k)) continue;
    if ((k === 'properties' || k === '$defs') && v && typeof v === 'object') {
      out[k] = Object.fromEntries(Object.entries(v as Record<string, JsonSchema>).map(([n, s]) => [n, validatingPart(s)]));
    } else if ((k === 'items' || k === 'additionalProperties') && v && typeof v === 'object') out[k] = validatingPart(v as JsonSchema);
    else if ((k === 'allOf' || k === 'anyOf' || k === 'oneOf') && Array.isArray(v)) out[k] = v.map((s: JsonSchema) => validatingPart(s));
    else out[k] = v;
  }
  return out;
}


/** The spec files of a folder (YAML or JSON, sub-folders included, `_` and dot entries skipped), sorted. */
async function specFiles(dir: string): Promise<string[]> {
  const out: string[] = [];
  const walk = async (d: string) => {
    for (const e of await readdir(d, { withFileTypes: true })) {
      if (e.name.startsWith('_') || e.name.startsWith('.')) continue;
      const full = path.join(d, e.name);
      if (e.isDirectory()) await walk(full);
      else if (/\.(ya?ml|json)$/.test(e.name)) out.push(full);
    }
  };
  await walk(dir);
  return out.sort();
}

/** The meta-schema and the shared definitions that ship in the package (spec/_meta, spec/_shared). */
export interface PackageSpecs {
  metaSchema: JsonSchema;
  shared: SharedDefs;
}

export async function loadPackageSpecs(specRoot: string): Promise<PackageSpecs> {
  const problems: string[] = [];
  const meta = (await readYaml(path.join(specRoot, '_meta/endpoint.schema.yaml'), 'spec/_meta/endpoint.schema.yaml', problems)) as JsonSchema | undefined;
  const schemas = (await readYaml(path.join(specRoot, '_shared/schemas.yaml'), 'spec/_shared/schemas.yaml', problems)) as { $defs?: Record<string, JsonSchema> } | undefined;
  const errcodes = (await readYaml(path.join(specRoot, '_shared/errcodes.yaml'), 'spec/_shared/errcodes.yaml', problems)) as { errcodes?: ErrcodeEntry[] } | undefined;
  if (problems.length > 0 || !meta) throw new SpecError(problems);
  return { metaSchema: meta, shared: { defs: schemas?.$defs ?? {}, errcodes: errcodes?.errcodes ?? [] } };
}

/** The examples' check with the package's validator: shared definitions as `#/$defs/<name>`. */
export function compilerChecker(shared: SharedDefs): SchemaChecker {
  const compiler = new SchemaCompiler(Object.fromEntries(Object.entries(shared.defs).map(([n, s]) => [n, validatingPart(s)])));
  return {
    ref: (name) => `#/$defs/${name}`,
    compile(schema) {
      const v = compiler.compile(validatingPart(schema));
      return (data) => (v(data) ? [] : (v.errors ?? []));
    },
  };
}

/**
 * The user's specs, each checked against the meta-schema. A spec's file name is its operation name
 * (getSomethingNew.yaml); `shownRoot` is the folder the messages name the files from.
 */
export async function loadUserSpecs(specDir: string, pkg: PackageSpecs, shownRoot = process.cwd()): Promise<LoadedSpec[]> {
  const problems: string[] = [];
  const rel = (f: string) => path.relative(shownRoot, f).split(path.sep).join('/');
  const metaDefs = (pkg.metaSchema['$defs'] ?? {}) as Record<string, JsonSchema>;
  const compiler = new SchemaCompiler(Object.fromEntries(Object.entries(metaDefs).map(([n, s]) => [n, validatingPart(s)])));
  const { $defs: _defs, ...root } = validatingPart(pkg.metaSchema);
  const validate = compiler.compile(root);
  let files: string[];
  try {
    files = await specFiles(specDir);
  } catch (err) {
    throw new SpecError([`${rel(specDir)}: cannot read the spec folder (${(err as NodeJS.ErrnoException).code ?? String(err)})`]);
  }
  if (files.length === 0) throw new SpecError([`${rel(specDir)}: no spec files (*.yaml, *.yml, *.json)`]);
  const specs: LoadedSpec[] = [];
  for (const file of files) {
    const shown = rel(file);
    const doc = await readYaml(file, shown, problems);
    if (doc === undefined) continue;
    if (!validate(doc)) {
      for (const e of validate.errors ?? []) problems.push(formatAjvError(shown, e));
      continue;
    }
    const spec = doc as SpecDoc & { overrides?: boolean };
    const base = path.basename(file).replace(/\.(ya?ml|json)$/, '');
    if (spec.clients.some((c) => c !== 'mp' && c !== 'oa')) problems.push(`${shown}: /clients: your own endpoints go on mp (MPTools) or oa (OATools)`);
    // platform `common`: any client; the id keeps the file's place in the folder
    const id = `user/${path.relative(specDir, file).split(path.sep).join('/').replace(/\.(ya?ml|json)$/, '')}`;
    specs.push({ file: shown, id: id.endsWith(`/${base}`) ? id : `${id}/${base}`, platform: 'common', family: 'user', doc: spec });
  }
  if (problems.length > 0) throw new SpecError(problems);
  return specs;
}
