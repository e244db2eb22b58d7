// JSON.parse that keeps integers past 2^53 (64-bit ids: msgid, MsgId) as strings instead of rounding them.

const BIG_INT = /\d{16,}/;
const BIG_INT_VALUE = /:(\s*)(-?\d{16,})(?=\s*[,}\]])/g;
/** Quote an integer only when a double cannot hold it exactly. */
const quoteUnsafe = (m: string, space: string, digits: string) => (Number.isSafeInteger(Number(digits)) ? m : `:${space}"${digits}"`);

export function parseJsonKeepingBigInts(text: string): unknown {
  if (BIG_INT.test(text)) {
    try {
      return JSON.parse(text.replace(BIG_INT_VALUE, quoteUnsafe));
    } catch {
      /* the pattern hit inside a string: parse as is */
    }
  }
  return JSON.parse(text);
}
