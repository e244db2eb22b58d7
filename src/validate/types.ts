// The validator's data and interface: a JSON Schema per operation (params, reply) with the group's
// shared $defs, as generated/validators/<group>.schemas.cjs holds them; validators keep ajv's
// interface (verdict + `errors`), which generated code and the test oracle share.

/** A JSON Schema of the subset the specs use (see src/validate/compile.ts). */
export type JsonSchema = { readonly [keyword: string]: unknown };

export interface ValidationErrorObject {
  /** JSON pointer to the failing value ('' = the whole object) */
  instancePath: string;
  keyword: string;
  params: Record<string, unknown>;
  message?: string;
}

export interface ValidateFunction {
  (data: unknown): boolean;
  errors?: ValidationErrorObject[] | null;
}

/** One API group's schemas (generated/validators/<group>.schemas.cjs). */
export interface ValidatorGroup {
  /** definitions the schemas refer to as `#/$defs/<name>` (shared ones, and subschemas that repeat) */
  readonly $defs: Readonly<Record<string, JsonSchema>>;
  /** [params schema, reply schema (0 for a binary reply)] by operation */
  readonly ops: Readonly<Record<string, readonly [JsonSchema, JsonSchema | 0]>>;
}
