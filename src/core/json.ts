// JSON.parse that keeps integers past 2^53 (64-bit ids: msgid, MsgId) as strings instead of rounding
// them, wherever they stand: object values, array elements, nested or at the top. A linear scan skips
// strings and quotes each number token that is an integer a double cannot hold exactly.

const MAYBE_BIG = /\d{16,}/;
const INTEGER = /^-?\d+$/;

const isNumberChar = (c: number) => (c >= 48 && c <= 57) || c === 45 || c === 43 || c === 46 || c === 101 || c === 69; // 0-9 - + . e E

/** The text with every unsafe integer token quoted (strings left untouched). */
export function quoteUnsafeIntegers(text: string): string {
  let out = '';
  let copied = 0;
  const n = text.length;
  let i = 0;
  while (i < n) {
    const c = text.charCodeAt(i);
    if (c === 34) {
      // a string: skip to its closing quote, honouring escapes
      i++;
      while (i < n) {
        const d = text.charCodeAt(i);
        if (d === 92) i += 2;
        else {
          i++;
          if (d === 34) break;
        }
      }
      continue;
    }
    if (c === 45 || (c >= 48 && c <= 57)) {
      const start = i++;
      while (i < n && isNumberChar(text.charCodeAt(i))) i++;
      const token = text.slice(start, i);
      if (token.length >= 16 && INTEGER.test(token) && !Number.isSafeInteger(Number(token))) {
        out += `${text.slice(copied, start)}"${token}"`;
        copied = i;
      }
      continue;
    }
    i++;
  }
  return copied === 0 ? text : out + text.slice(copied);
}

export function parseJsonKeepingBigInts(text: string): unknown {
  return JSON.parse(MAYBE_BIG.test(text) ? quoteUnsafeIntegers(text) : text);
}
