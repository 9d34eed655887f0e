/**
 * The CLI's loader (main/cli/load-bundle.cjs): runs a bundle like require() would (its own
 * __dirname, require from its folder), writes V8's code cache, uses it, and never runs a cache made
 * for another build of the bundle: V8 itself only compares the source's length, so a rebuilt
 * bundle of the same length would otherwise run the old code.
 */
import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';

const loader = path.join(__dirname, 'load-bundle.cjs');
const dir = mkdtempSync(path.join(tmpdir(), 'sftp-doctor-load-bundle-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function run(bundle: string, writeCache = false): string {
  const code = `require(${JSON.stringify(loader)}).loadBundle(${JSON.stringify(bundle)}, { writeCache: ${writeCache} })`;
  return execFileSync(process.execPath, ['-e', code, '--', 'arg1'], { encoding: 'utf8' });
}

describe('load-bundle', () => {
  it('runs the bundle as a module of its folder, writes the cache, and uses it', () => {
    writeFileSync(path.join(dir, 'helper.cjs'), 'module.exports = "from the folder";\n');
    const bundle = path.join(dir, 'bundle.cjs');
    writeFileSync(bundle, 'const v = require("./helper.cjs");\nprocess.stdout.write([v, __dirname, path(__filename), typeof module.exports].join("|"));\nfunction path(f) { return require("node:path").basename(f); }\n');
    const expected = ['from the folder', dir, 'bundle.cjs', 'object'].join('|');
    expect(run(bundle, true)).toBe(expected);
    expect(existsSync(`${bundle}.cache`)).toBe(true);
    expect(run(bundle)).toBe(expected);
  });

  it('ignores a cache made for another build of the bundle, even of the same length', () => {
    const bundle = path.join(dir, 'same-length.cjs');
    writeFileSync(bundle, 'process.stdout.write("old build");\n');
    expect(run(bundle, true)).toBe('old build');
    writeFileSync(bundle, 'process.stdout.write("new build");\n');
    expect(run(bundle)).toBe('new build');
  });

  it('runs without a cache file, and with a damaged one', () => {
    const bundle = path.join(dir, 'no-cache.cjs');
    writeFileSync(bundle, 'process.stdout.write("ran");\n');
    expect(run(bundle)).toBe('ran');
    writeFileSync(`${bundle}.cache`, Buffer.alloc(64, 7));
    expect(run(bundle)).toBe('ran');
  });
});
