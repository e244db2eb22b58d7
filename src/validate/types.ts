// The shape of a generated validator module (generated/validators/<group>.ts).

export interface ValidationErrorObject {
  instancePath: string;
  keyword: string;
  params: Record<string, unknown>;
  message?: string;
}

export interface ValidateFunction {
  (data: unknown): boolean;
  errors?: ValidationErrorObject[] | null;
}

export interface ValidatorModule {
  /** [params validator, response validator (undefined for binary replies)] by operation */
  readonly validators: Readonly<Record<string, readonly [ValidateFunction, ValidateFunction | undefined]>>;
}
