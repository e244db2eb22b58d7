// Real replies recorded by wechatpy's tests (test/fixtures/wechatpy, MIT; see its README): every one that
// belongs to a spec'd endpoint must pass that endpoint's response validator.
import { readFileSync, readdirSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { endpointTable } from '../generated/endpoints.js';
import { validatorsFor } from '../src/validate/validate.js';

const dir = path.resolve(import.meta.dirname, 'fixtures/wechatpy');

/** /cgi-bin/menu/get → menu_get.json; /sns/jscode2session → sns_jscode2session.json */
export function fixtureName(p: string): string {
  return `${p.replace(/^\/cgi-bin\//, '').replace(/^\//, '').replace(/\//g, '_')}.json`;
}

const available = new Set(readdirSync(dir));
const cases = endpointTable
  .filter((row) => row.reply !== 'binary' && available.has(fixtureName(row.path)))
  .map((row) => [row.id, fixtureName(row.path), row] as const);

describe('recorded WeChat replies', () => {
  it('the fixtures are there', () => {
    expect(available.size).toBeGreaterThan(50);
  });

  it.each(cases)('%s accepts %s', async (_id, file, row) => {
    const body: unknown = JSON.parse(readFileSync(path.join(dir, file), 'utf8'));
    const record = body as Record<string, unknown>;
    if (typeof record['errcode'] === 'number' && record['errcode'] !== 0) return; // a recorded error: nothing to validate
    const [, validate] = await validatorsFor(row);
    expect(validate, `${row.id} has a response validator`).toBeDefined();
    const ok = validate?.(body);
    expect(ok, `${file}: ${JSON.stringify(validate?.errors?.[0])}`).toBe(true);
  });
});

export const fixtureCount = cases.length;
