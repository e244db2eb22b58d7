// Data modules: the spec examples (for the mock WeChat and the contract tests) and the errcode catalogue.
import type { GeneratorInput } from '../ir.js';

export function emitExamples(input: GeneratorInput): string {
  const rows = input.endpoints.map((ep) => `  ${JSON.stringify(ep.id)}: ${JSON.stringify(ep.examples)},`);
  return [
    "import type { SpecExample } from '../src/core/example.js';",
    '',
    '/** The examples of every spec, by spec id: params, and the reply (JSON or bytes). */',
    `export const examples: Readonly<Record<string, readonly SpecExample[]>> = {\n${rows.join('\n')}\n};`,
    '',
  ].join('\n');
}

export function emitErrcodes(input: GeneratorInput): string {
  const rows = input.shared.errcodes.map((e) => `  ${JSON.stringify(e)},`);
  return [
    "import type { ErrcodeInfo } from '../src/core/errcodes.js';",
    '',
    '/** The shared errcode catalogue (spec/_shared/errcodes.yaml). */',
    `export const errcodeCatalogue: readonly ErrcodeInfo[] = [\n${rows.join('\n')}\n];`,
    '',
  ].join('\n');
}

/** The catalogue: summary, doc link and flags by spec id (for the CLI's `endpoints` and the docs). */
export function emitCatalog(input: GeneratorInput): string {
  const rows = input.endpoints.map((ep) => `  ${JSON.stringify(ep.id)}: ${JSON.stringify({ summary: ep.summary, docUrl: ep.docUrl, ...(ep.deprecated ? { deprecated: ep.deprecated } : {}) })},`);
  return [
    '/** Summary, WeChat doc link and deprecation of every endpoint, by spec id. */',
    `export const catalog: Readonly<Record<string, { summary: string; docUrl: string; deprecated?: true | string }>> = {\n${rows.join('\n')}\n};`,
    '',
  ].join('\n');
}
