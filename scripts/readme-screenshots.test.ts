/**
 * The README's pictures are taken by the e2e specs: every image it shows is written by a
 * saveScreenshot() call of some spec, is committed (allowed by e2e/screenshots/.gitignore), and
 * every committed picture is one the README shows.
 */
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';

const root = path.resolve(__dirname, '..');
const readme = readFileSync(path.join(root, 'README.md'), 'utf8');
const shown = [...readme.matchAll(/!\[[^\]]*\]\(([^)\s]+)\)/g)].map((m) => m[1]!);
const specs = readdirSync(path.join(root, 'e2e'))
  .filter((f) => f.endsWith('.spec.ts'))
  .map((f) => readFileSync(path.join(root, 'e2e', f), 'utf8'))
  .join('\n');
const taken = new Set([...specs.matchAll(/saveScreenshot\([^;]*?'([\w-]+)'/g)].map((m) => m[1]!));
const committed = readFileSync(path.join(root, 'e2e', 'screenshots', '.gitignore'), 'utf8')
  .split('\n')
  .filter((l) => l.startsWith('!'))
  .map((l) => l.slice(1).trim());

describe('README screenshots', () => {
  it('shows only pictures from e2e/screenshots, each taken by a spec and committed', () => {
    expect(shown.length).toBeGreaterThan(0);
    for (const ref of shown) {
      expect(ref, 'README image outside e2e/screenshots').toMatch(/^e2e\/screenshots\/[\w-]+\.png$/);
      const name = path.basename(ref, '.png');
      expect(taken, `no spec calls saveScreenshot(..., '${name}')`).toContain(name);
      expect(committed, `${name}.png is not allowed in e2e/screenshots/.gitignore`).toContain(`${name}.png`);
      expect(existsSync(path.join(root, ref)), `${ref} is missing`).toBe(true);
    }
  });

  it('commits no picture the README does not show', () => {
    expect(committed.sort()).toEqual(shown.map((r) => path.basename(r)).sort());
  });
});
