/**
 * The CLI's loader (main/cli/load-bundle.cjs): runs a bundle like require() would (its own
 * __dirname, require from its folder), writes V8's code cache for the bundle and the npm packages it
 * requires, uses it, and never runs a cache made for another build of the bundle or another version
 * of a package: V8 itself only compares the source's length, so a rebuilt bundle or an updated
 * package of the same length would otherwise run the old code.
 */
import { isAscii } from 'node:buffer';
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
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

/** Runs the bundle (with `args` as the command line) and says how many files were compiled from the cache and how many without. */
function runCounting(bundle: string, args: string[] = []): { out: string; cached: number; compiled: number } {
  const code = `const l = require(${JSON.stringify(loader)}); process.on('exit', () => process.stderr.write(JSON.stringify({ cached: l.stats.cached, compiled: l.stats.compiled }))); l.loadBundle(${JSON.stringify(bundle)})`;
  const r = spawnSync(process.execPath, ['-e', code, '--', ...args], { encoding: 'utf8' });
  expect(r.status).toBe(0);
  return { out: r.stdout, ...(JSON.parse(r.stderr) as { cached: number; compiled: number }) };
}

/** The entries of a cache file's header. */
function cacheEntries(cacheFile: string): { file: string; length: number; variant?: string }[] {
  const cache = readFileSync(cacheFile);
  const headerLength = cache.readUInt32BE(6);
  return (JSON.parse(cache.toString('utf8', 10, 10 + headerLength)) as { entries: { file: string; length: number; variant?: string }[] }).entries;
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

  it('caches the npm packages the bundle requires, and ignores an entry made for another version of a package', () => {
    const pkg = path.join(dir, 'app', 'node_modules', 'greeting');
    mkdirSync(pkg, { recursive: true });
    writeFileSync(path.join(pkg, 'package.json'), '{ "name": "greeting", "main": "index.js" }\n');
    writeFileSync(path.join(pkg, 'index.js'), 'module.exports = (who) => `hello ${who} from version 1`;\n');
    const bundle = path.join(dir, 'app', 'dist', 'bundle.cjs');
    mkdirSync(path.dirname(bundle));
    writeFileSync(bundle, 'process.stdout.write(require("greeting")("user"));\n');
    expect(run(bundle, true)).toBe('hello user from version 1');
    // The bundle and the package, both from the cache.
    expect(runCounting(bundle)).toEqual({ out: 'hello user from version 1', cached: 2, compiled: 0 });
    // The package updated in place, same length: its own code runs, not the cached one.
    writeFileSync(path.join(pkg, 'index.js'), 'module.exports = (who) => `hello ${who} from version 2`;\n');
    expect(runCounting(bundle)).toEqual({ out: 'hello user from version 2', cached: 1, compiled: 1 });
  });

  it('keeps a lighter cache of the bundle for the commands that never connect, and gives each command its own', () => {
    const bundle = path.join(dir, 'variants.cjs');
    // "Connecting" compiles a function of its own: only the connect variant holds it.
    writeFileSync(bundle, 'function connect() { return [1, 2, 3].map((x) => x * 2).join(","); }\nexports.connect = connect;\nprocess.stdout.write("loaded");\n');
    // Each variant written by a run of its own, then the two joined (as scripts/write-code-cache.cjs does).
    const part = (variant: string, connect: boolean) => {
      const out = path.join(dir, `variants-${variant}.cache`);
      const code = `const l = require(${JSON.stringify(loader)}); const b = l.loadBundle(${JSON.stringify(bundle)}, { writeCache: true, variant: '${variant}', cacheFile: ${JSON.stringify(out)} }); ${connect ? 'b.connect();' : ''}`;
      execFileSync(process.execPath, ['-e', code], { encoding: 'utf8' });
      return out;
    };
    const parts = [part('base', false), part('connect', true)];
    execFileSync(process.execPath, ['-e', `require(${JSON.stringify(loader)}).mergeCacheFiles(${JSON.stringify(`${bundle}.cache`)}, ${JSON.stringify(parts)})`]);
    const entries = cacheEntries(`${bundle}.cache`).filter((e) => e.file === 'variants.cjs');
    expect(entries.map((e) => e.variant)).toEqual(['base', 'connect']);
    expect(entries[1]!.length).toBeGreaterThan(entries[0]!.length);
    for (const args of [['keys', 'inspect', 'k.ppk'], ['sites', 'list'], ['diagnose', 'sftp://u@h.invalid'], ['check', '--all'], []]) {
      expect(runCounting(bundle, args)).toEqual({ out: 'loaded', cached: 1, compiled: 0 });
    }
    // A launcher like main/cli/sftp-doctor.cjs: the command line is the process's own.
    const launcher = path.join(dir, 'launch-variants.cjs');
    writeFileSync(launcher, `const l = require(${JSON.stringify(loader)}); l.loadBundle(${JSON.stringify(bundle)}); process.stdout.write(' ' + l.stats.variant);\n`);
    const variantOf = (args: string[]) => execFileSync(process.execPath, [launcher, ...args], { encoding: 'utf8' });
    expect(variantOf(['keys', 'inspect', 'k.ppk'])).toBe('loaded base');
    expect(variantOf(['diagnose', 'sftp://u@h.invalid'])).toBe('loaded connect');
    expect(variantOf(['repair', '--fix', 'x'])).toBe('loaded connect');
  });

  it("the built CLI's cache was filled by a real diagnose: the connecting commands' variant holds far more than the others'", () => {
    const built = path.resolve(__dirname, '..', '..', 'dist', 'cli.cjs');
    if (!existsSync(`${built}.cache`)) throw new Error('dist/cli.cjs.cache is missing: run "npm run build" first.');
    const entries = cacheEntries(`${built}.cache`).filter((e) => e.file === 'cli.cjs');
    const base = entries.find((e) => e.variant === 'base');
    const connect = entries.find((e) => e.variant === 'connect');
    expect(base && connect).toBeTruthy();
    // The engine and ssh2 (in the bundle) were compiled by the warm-up diagnose: more than 1.5x.
    expect(connect!.length).toBeGreaterThan(base!.length * 1.5);
    // ASCII, so that the loader reads it as Latin-1 (one byte a character) rather than decoding UTF-8.
    expect(isAscii(readFileSync(built))).toBe(true);
  });

  it('compiles everything as usual with a cache from another Node.js', () => {
    const bundle = path.join(dir, 'other-node.cjs');
    writeFileSync(bundle, 'process.stdout.write("ran");\n');
    expect(run(bundle, true)).toBe('ran');
    const cache = readFileSync(`${bundle}.cache`);
    const headerLength = cache.readUInt32BE(6);
    const header = cache.toString('utf8', 10, 10 + headerLength);
    const other = header.replace(process.version, process.version.replace(/^v\d+/, 'v1'));
    expect(other).not.toBe(header);
    const length = Buffer.alloc(4);
    length.writeUInt32BE(Buffer.byteLength(other));
    writeFileSync(`${bundle}.cache`, Buffer.concat([cache.subarray(0, 6), length, Buffer.from(other), cache.subarray(10 + headerLength)]));
    expect(runCounting(bundle)).toEqual({ out: 'ran', cached: 0, compiled: 1 });
  });
});
