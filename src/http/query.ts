// The query string of a request, as openapi-fetch's default serializer writes it: values
// percent-encoded, null and undefined left out, an array as repeated `name=value`, an object as
// `name[key]=value`. Names that are not plain words are percent-encoded too (a `#` or `&` in a name
// must not end it).
const PLAIN_NAME = /^[\w.~-]+$/;

const encode = (v: unknown) => encodeURIComponent(v as string | number | boolean);
const nameOf = (k: string) => (PLAIN_NAME.test(k) ? k : encodeURIComponent(k));

function scalar(name: string, v: unknown): string {
  if (v !== null && typeof v === 'object') throw new TypeError(`query parameter ${name}: nested arrays and objects cannot be sent in a query string`);
  return `${name}=${encode(v)}`;
}

/** An array or object value's pairs ('' when it has none). */
function composite(name: string, v: object): string {
  if (Array.isArray(v)) return v.map((x) => scalar(name, x)).join('&');
  const o = v as Record<string, unknown>;
  return Object.keys(o)
    .filter((f) => o[f] !== undefined)
    .map((f) => scalar(`${name}[${nameOf(f)}]`, o[f]))
    .join('&');
}

export function encodeQuery(query: Record<string, unknown>): string {
  let out = '';
  for (const k in query) {
    const v = query[k];
    if (v === undefined || v === null) continue;
    const part = typeof v === 'object' ? composite(nameOf(k), v) : `${nameOf(k)}=${encode(v)}`;
    if (part === '') continue;
    out = out === '' ? part : `${out}&${part}`;
  }
  return out;
}
