// ESM stand-ins for the two ajv runtime helpers that standalone validators require(), so the
// generated validators need no ajv at run time.
import { isDeepStrictEqual } from 'node:util';

/** Length of a string in Unicode code points (as JSON Schema counts minLength/maxLength). */
export function ucs2length(str: string): number {
  let length = 0;
  let pos = 0;
  const len = str.length;
  while (pos < len) {
    length++;
    const value = str.charCodeAt(pos++);
    if (value >= 0xd800 && value <= 0xdbff && pos < len) {
      const extra = str.charCodeAt(pos);
      if ((extra & 0xfc00) === 0xdc00) pos++;
    }
  }
  return length;
}

export function equal(a: unknown, b: unknown): boolean {
  return isDeepStrictEqual(a, b);
}
