// One YAML file as plain data; parse problems are collected as `<file>: YAML: <message>` (duplicate keys
// are problems too). Shared by the repository's loader and the one for users' spec folders.
import { readFile } from 'node:fs/promises';
import { parseDocument } from 'yaml';

export async function readYaml(file: string, shown: string, problems: string[]): Promise<unknown> {
  const text = await readFile(file, 'utf8');
  const doc = parseDocument(text, { prettyErrors: true, uniqueKeys: true });
  if (doc.errors.length > 0) {
    for (const e of doc.errors) problems.push(`${shown}: YAML: ${e.message.split('\n')[0]}`);
    return undefined;
  }
  return doc.toJS();
}
