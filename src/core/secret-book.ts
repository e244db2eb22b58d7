// The exact secret values a client has seen (its AppSecret, the seeded token, the token service's
// headers, every token and session_key that came back in a reply), so that an error can be scrubbed
// of them wherever they hide — including a token that was fetched but never cached.
import { secretValues } from './redact.js';

const NO_EXTRA: readonly string[] = [];

export class SecretBook {
  readonly #values = new Set<string>();
  readonly #fixed: readonly string[];
  readonly #limit: number;

  /** `fixed` values are kept for the client's life; the others, the last `limit` seen. */
  constructor(fixed: readonly (string | undefined)[], limit = 64) {
    this.#fixed = fixed.filter((v): v is string => typeof v === 'string' && v.length >= 4);
    this.#limit = limit;
  }

  add(value: unknown): void {
    if (typeof value !== 'string' || value.length < 4 || this.#fixed.includes(value)) return;
    this.#values.delete(value);
    this.#values.add(value);
    if (this.#values.size > this.#limit) this.#values.delete(this.#values.values().next().value as string);
  }

  /** Record the credentials in a reply (access_token, refresh_token, session_key, ticket…). */
  addFrom(fields: Record<string, unknown>): void {
    for (const v of secretValues(fields, NO_EXTRA)) this.add(v);
  }

  values(): string[] {
    return [...this.#fixed, ...this.#values];
  }

  /** Never printed. */
  toJSON(): string {
    return '[SecretBook]';
  }
}
