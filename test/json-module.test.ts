// The generated data modules (`module.exports = JSON.parse('…')`, JSON in a single-quoted literal) give
// back exactly the data they were made from, whatever the strings hold; the endpoint table, stored by
// position, decodes to rows with the same fields in the same order for any mix of optional fields.
import { createRequire } from 'node:module';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { expect, it } from 'vitest';
import { emitJsonModule, singleQuoted } from '../codegen/emit/json-module.js';
import { rowKeyOrder } from '../codegen/emit/table.js';
import { endpointTable } from '../generated/endpoints.js';

const require = createRequire(import.meta.url);

async function load(text: string): Promise<unknown> {
  const dir = await mkdtemp(path.join(tmpdir(), 'wt-json-module-'));
  try {
    const file = path.join(dir, 'data.cjs');
    await writeFile(file, text);
    return require(file) as unknown;
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

it('a data module gives back the JSON it holds: quotes, backslashes, escapes, line breaks, U+2028, CJK, emoji', async () => {
  const value = {
    "it's": 'single \' and double " quotes',
    back: 'C:\\path\\n not a newline \\u0041',
    lines: 'one\ntwo\r\nthree\u2028four\u2029five\ttab',
    cjk: '网络通信检测：对回调 URL 做域名解析 😀',
    nested: [{ a: 1, b: [true, null, -2.5e-3] }],
  };
  const json = `{\n${Object.entries(value).map(([k, v]) => `${JSON.stringify(k)}:${JSON.stringify(v)}`).join(',\n')}\n}`;
  const text = emitJsonModule(json, '// header\n');
  expect(text.startsWith("// header\nmodule.exports = JSON.parse('")).toBe(true);
  expect(await load(text)).toEqual(value);
  // double quotes stay unescaped: the point of the single-quoted literal
  expect(singleQuoted('{"a":"b"}')).toBe(`'{"a":"b"}'`);
});

it('the endpoint table decodes to rows whose fields follow one order that every row agrees with', () => {
  expect(endpointTable.length).toBeGreaterThan(600);
  const order = rowKeyOrder(endpointTable.map((r) => ({ ...r })));
  for (const row of endpointTable) {
    const keys = Object.keys(row);
    expect(keys, row.id).toEqual(order.filter((k) => keys.includes(k)));
    for (const [k, v] of Object.entries(row)) expect(v, `${row.id} ${k}`).not.toBeUndefined();
  }
  expect(() => rowKeyOrder([{ a: 1, b: 2 }, { b: 1, a: 2 }])).toThrow('disagree');
  expect(rowKeyOrder([{ a: 1, c: 1 }, { a: 1, b: 1, c: 1 }, { b: 1, d: 1 }])).toEqual(['a', 'b', 'c', 'd']);
});
