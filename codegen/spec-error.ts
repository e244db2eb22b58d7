// The errors of spec checking, shared by the repository's generator (codegen/load.ts, with ajv) and
// the user-spec generator (codegen/user/, with the package's own validator): one message format,
// `<file>: <JSON pointer>: <what is wrong>`.

export class SpecError extends Error {
  constructor(readonly problems: string[]) {
    super(`${problems.length} problem(s) in spec files:\n  ${problems.join('\n  ')}`);
    this.name = 'SpecError';
  }
}

/** A schema validation error (ajv's ErrorObject and src/validate's ValidationErrorObject both fit). */
export interface SchemaErrorLike {
  instancePath: string;
  keyword: string;
  params: Record<string, unknown>;
  message?: string | undefined;
}

export function formatAjvError(file: string, e: SchemaErrorLike): string {
  const pointer = e.instancePath === '' ? '/' : e.instancePath;
  let detail = e.message ?? 'invalid';
  if (e.keyword === 'additionalProperties') detail = `unknown field "${String(e.params['additionalProperty'])}"`;
  if (e.keyword === 'enum') detail += ` (${JSON.stringify(e.params['allowedValues'])})`;
  return `${file}: ${pointer}: ${detail}`;
}

/** Compiles the schemas the examples are checked against ([] = valid). */
export interface SchemaChecker {
  /** how a schema refers to a shared definition */
  ref(name: string): string;
  compile(schema: Record<string, unknown>): (data: unknown) => SchemaErrorLike[];
}
