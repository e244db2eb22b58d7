// The runtime core's size budget (openapi-fetch's discipline): minified + gzip, without generated data.
import { expect, it } from 'vitest';
// @ts-expect-error: a plain .mjs benchmark helper without types
import { CORE_BUDGET_GZIP, measureCore } from '../bench/core-size.mjs';

it('the runtime core stays within its gzip budget', async () => {
  const { gzip, minified } = (await measureCore()) as { gzip: number; minified: number };
  console.log(`runtime core: ${minified} B minified, ${gzip} B gzip (budget ${CORE_BUDGET_GZIP as number})`);
  expect(gzip).toBeLessThanOrEqual(CORE_BUDGET_GZIP as number);
});
