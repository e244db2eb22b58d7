// scripts/repository-links.mjs: `check` refuses a publish whose npm page would have broken links (no
// repository/homepage/bugs, README links relative to the repository); `set <url>` fills the fields and
// makes every such README link absolute, pointing at a file or folder that exists.
import { execFileSync, spawnSync } from 'node:child_process';
import { copyFileSync, existsSync, mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';

const root = path.resolve(import.meta.dirname, '..');
const script = path.join(root, 'scripts/repository-links.mjs');
const work = mkdtempSync(path.join(tmpdir(), 'wt-links-'));
afterAll(() => rmSync(work, { recursive: true, force: true }));

const run = (...args: string[]) => spawnSync(process.execPath, [script, ...args], { encoding: 'utf8' });
const linksOf = (md: string) => [...md.matchAll(/\]\(([^)\s]+)\)/g)].map((m) => m[1] as string).filter((t) => !t.startsWith('#'));

describe('repository links for the npm page', () => {
  it('the repository passes `check` once set, and not before unless it already is', () => {
    const pkg = JSON.parse(readFileSync(path.join(root, 'package.json'), 'utf8')) as Record<string, unknown>;
    const r = run('check');
    if (pkg['repository'] && pkg['homepage'] && pkg['bugs']) expect(r.status, r.stderr).toBe(0);
    else {
      expect(r.status).toBe(1);
      expect(r.stderr).toContain('package.json has no "repository"');
    }
    expect(JSON.parse(readFileSync(path.join(root, 'package.json'), 'utf8'))['scripts']['prepublishOnly']).toBe('node scripts/repository-links.mjs check');
  });

  it('`set` fills repository, homepage and bugs and makes every README link absolute, to files that exist', () => {
    for (const f of ['package.json', 'README.md']) copyFileSync(path.join(root, f), path.join(work, f));
    const url = 'https://github.com/example-owner/wechat-tools';
    const before = linksOf(readFileSync(path.join(work, 'README.md'), 'utf8')).filter((t) => !/^[a-z]+:/i.test(t));
    expect(before.length).toBeGreaterThan(0);
    // the copy is rewritten; the linked files are looked up in the repository
    execFileSync(process.execPath, [script, 'set', url, '--dir', work, '--root', root, '--branch', 'main'], { encoding: 'utf8' });
    const pkg = JSON.parse(readFileSync(path.join(work, 'package.json'), 'utf8')) as Record<string, unknown>;
    expect(pkg['repository']).toEqual({ type: 'git', url: `git+${url}.git` });
    expect(pkg['homepage']).toBe(`${url}#readme`);
    expect(pkg['bugs']).toEqual({ url: `${url}/issues` });
    const links = linksOf(readFileSync(path.join(work, 'README.md'), 'utf8'));
    expect(links.filter((t) => !/^[a-z]+:/i.test(t))).toEqual([]);
    for (const rel of before) {
      const file = path.posix.normalize((rel.split('#')[0] as string).replace(/^\.\//, ''));
      expect(existsSync(path.join(root, file)), rel).toBe(true);
      const kind = statSync(path.join(root, file)).isDirectory() ? 'tree' : 'blob';
      expect(links).toContain(`${url}/${kind}/main/${file}${rel.includes('#') ? `#${rel.split('#')[1]}` : ''}`);
    }
    expect(run('check', '--dir', work).status).toBe(0);
  });

  it('`set` refuses a URL that is not https://host/owner/repo', () => {
    const r = run('set', 'github.com/x');
    expect(r.status).toBe(2);
    expect(r.stderr).toContain('usage');
  });
});
