// One example of a spec (generated/examples.ts): params and the reply, JSON or bytes.
export interface SpecExample {
  readonly name: string;
  readonly params?: Readonly<Record<string, unknown>>;
  readonly response?: Readonly<Record<string, unknown>>;
  readonly binary?: { readonly contentType: string; readonly base64: string };
}
