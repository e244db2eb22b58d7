// The package's public links, for the npm page: package.json `repository`, `homepage` and `bugs`, and
// the README's links to files of the repository (examples/, bench/RESULTS.md, docs/, test/), which npm
// cannot resolve when they are relative and the package does not carry those files.
//
//   node scripts/repository-links.mjs check                      exit 1 (naming what is missing) until set
//   node scripts/repository-links.mjs set https://github.com/OWNER/REPO [--branch main]
//
// `check` runs before `npm publish` (prepublishOnly). `--dir D` works on D's package.json and README.md;
// `--root R` looks the linked files up in R (default D).
import { existsSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { parseArgs } from 'node:util';

const { positionals, values } = parseArgs({ allowPositionals: true, options: { branch: { type: 'string', default: 'main' }, dir: { type: 'string', default: path.resolve(import.meta.dirname, '..') }, root: { type: 'string' } } });
const [command, url] = positionals;
const dir = path.resolve(values.dir);
/** where the linked files are looked up (default: beside the README) */
const filesRoot = path.resolve(values.root ?? dir);
const pkgPath = path.join(dir, 'package.json');
const readmePath = path.join(dir, 'README.md');

/** Markdown links `[text](target)` whose target is a path inside the repository (not a URL, not an anchor). */
function relativeLinks(markdown) {
  const out = [];
  for (const m of markdown.matchAll(/\]\(([^)\s]+)\)/g)) {
    const target = m[1];
    if (/^[a-z][a-z0-9+.-]*:/i.test(target) || target.startsWith('#') || target.startsWith('/')) continue;
    out.push({ index: m.index + 2, target });
  }
  return out;
}

function problems() {
  const pkg = JSON.parse(readFileSync(pkgPath, 'utf8'));
  const found = [];
  if (!pkg.repository) found.push('package.json has no "repository"');
  if (!pkg.homepage) found.push('package.json has no "homepage"');
  if (!pkg.bugs) found.push('package.json has no "bugs"');
  for (const { target } of relativeLinks(readFileSync(readmePath, 'utf8'))) found.push(`README.md links to ${target} relatively (broken on the npm page)`);
  return found;
}

if (command === 'check') {
  const found = problems();
  if (found.length > 0) {
    process.stderr.write(`${found.map((p) => `- ${p}`).join('\n')}\nRun: node scripts/repository-links.mjs set https://github.com/OWNER/REPO\n`);
    process.exit(1);
  }
  process.stdout.write('repository links: ok\n');
} else if (command === 'set') {
  if (!url || !/^https:\/\/[^\s/]+\/[^\s]+[^/]$/.test(url)) {
    process.stderr.write('usage: node scripts/repository-links.mjs set https://github.com/OWNER/REPO [--branch main]\n');
    process.exit(2);
  }
  const pkg = JSON.parse(readFileSync(pkgPath, 'utf8'));
  pkg.repository = { type: 'git', url: `git+${url}.git` };
  pkg.homepage = `${url}#readme`;
  pkg.bugs = { url: `${url}/issues` };
  writeFileSync(pkgPath, `${JSON.stringify(pkg, null, 2)}\n`);
  let readme = readFileSync(readmePath, 'utf8');
  // from the end, so earlier indexes stay valid
  for (const { index, target } of relativeLinks(readme).reverse()) {
    const [file, anchor] = target.split('#');
    const local = path.join(filesRoot, file);
    if (!existsSync(local)) throw new Error(`README.md links to ${file}, which is not in ${filesRoot}`);
    const kind = statSync(local).isDirectory() ? 'tree' : 'blob';
    const absolute = `${url}/${kind}/${values.branch}/${path.posix.normalize(file.replace(/^\.\//, ''))}${anchor === undefined ? '' : `#${anchor}`}`;
    readme = readme.slice(0, index) + absolute + readme.slice(index + target.length);
  }
  writeFileSync(readmePath, readme);
  process.stdout.write(`set: repository, homepage, bugs → ${url}; README links made absolute\n`);
} else {
  process.stderr.write('usage: node scripts/repository-links.mjs check | set <url> [--branch main] [--dir D]\n');
  process.exit(2);
}
