// A CommonJS data module holding JSON: `module.exports = JSON.parse('…')`. V8 parses a JSON.parse
// string literal faster than the same object literal (cold start), and in single quotes the JSON's
// double quotes need no escaping (only backslashes, single quotes and line breaks do), so the module
// is barely bigger than the JSON itself.

/** The JSON text as a single-quoted JavaScript string literal; each '\n' of `json` continues the literal on a new line. */
export function singleQuoted(json: string): string {
  const body = json
    .replace(/[\\']/g, (c) => `\\${c}`)
    .replace(/\r/g, '\\r')
    .replace(/\n/g, '\\n\\\n');
  return `'${body}'`;
}

/** The module's text: header, then `module.exports = JSON.parse('…');`. */
export function emitJsonModule(json: string, header: string): string {
  return `${header}module.exports = JSON.parse(${singleQuoted(json)});\n`;
}
