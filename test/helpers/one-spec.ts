// A throwaway spec tree with the real meta-schemas and shared definitions and one spec file at `rel`:
// `load(text)` writes the spec and runs the generator's input step on the tree (fast: one endpoint),
// returning its problems or its input. Registers its own beforeAll/afterAll.
import { cp, mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll } from 'vitest';
import { buildInput } from '../../codegen/generate.js';
import { SpecError } from '../../codegen/load.js';

const repo = path.resolve(import.meta.dirname, '../..');

export type LoadResult = { problems: string[]; input?: Awaited<ReturnType<typeof buildInput>> };

export async function oneSpecTree(rel: string): Promise<{ good: string; load(text: string): Promise<LoadResult> }> {
  const good = await readFile(path.join(repo, rel), 'utf8');
  let tmp = '';
  beforeAll(async () => {
    tmp = await mkdtemp(path.join(tmpdir(), 'wt-one-spec-'));
    await cp(path.join(repo, 'spec/_meta'), path.join(tmp, 'spec/_meta'), { recursive: true });
    await cp(path.join(repo, 'spec/_shared'), path.join(tmp, 'spec/_shared'), { recursive: true });
    await mkdir(path.dirname(path.join(tmp, rel)), { recursive: true });
  });
  afterAll(async () => {
    await rm(tmp, { recursive: true, force: true });
  });
  return {
    good,
    async load(text) {
      await writeFile(path.join(tmp, rel), text);
      try {
        return { problems: [], input: await buildInput(tmp) };
      } catch (err) {
        if (err instanceof SpecError) return { problems: err.problems };
        throw err;
      }
    },
  };
}
