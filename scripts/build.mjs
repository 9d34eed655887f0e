// Builds everything the app and the CLI run from: dist/cli.cjs (the `sftp-doctor` command),
// dist/main/{index,preload}.cjs (Electron main and preload) and dist/renderer (the UI, by Vite).
// Runs on `npm ci` (prepare) so a fresh clone is ready to use.
import { build } from 'esbuild';
import { spawnSync } from 'node:child_process';
import { rm } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const only = process.argv.slice(2); // e.g. `node scripts/build.mjs main` for the Node side only
const want = (part) => only.length === 0 || only.includes(part);

const node = {
  absWorkingDir: root,
  bundle: true,
  platform: 'node',
  target: 'node20',
  format: 'cjs',
  sourcemap: 'linked',
  logLevel: 'warning',
  outExtension: { '.js': '.cjs' },
  legalComments: 'none',
};

/**
 * The CLI bundle takes in ssh2 and the small packages it loads (one file to load instead of about
 * thirty, each resolved, read and compiled on its own: about 10 ms of every diagnose). Their native
 * parts stay files: a `.node` add-on is required by its path from dist/, and when it cannot be
 * loaded ssh2 uses its JavaScript code as it always does. Every other package stays external
 * (installed beside the app, loaded only by the commands that use it).
 */
const CLI_INLINE = /^(ssh2|asn1|bcrypt-pbkdf|tweetnacl|safer-buffer)(\/|$)/;
const cliPackages = {
  name: 'cli-packages',
  setup(b) {
    const dist = path.join(root, 'dist');
    b.onResolve({ filter: /\.node$/ }, (args) => {
      const relative = path.relative(dist, path.resolve(args.resolveDir, args.path)).split(path.sep).join('/');
      return { path: relative.startsWith('.') ? relative : `./${relative}`, external: true };
    });
    b.onResolve({ filter: /^[^./]/ }, (args) => (CLI_INLINE.test(args.path) ? undefined : { path: args.path, external: true }));
  },
};

const started = Date.now();
try {
  if (want('main')) {
    await rm(path.join(root, 'dist', 'main'), { recursive: true, force: true });
    await Promise.all([
      build({ ...node, plugins: [cliPackages], entryPoints: { cli: 'main/cli/main.ts' }, outdir: 'dist' }),
      // npm packages stay external: they are installed beside the app (ssh2 has optional native parts).
      build({ ...node, packages: 'external', external: ['electron'], entryPoints: { 'main/index': 'main/index.ts' }, outdir: 'dist' }),
      // A sandboxed preload may only require 'electron': everything else is bundled in.
      build({ ...node, external: ['electron'], entryPoints: { 'main/preload': 'main/preload.ts' }, outdir: 'dist' }),
    ]);
    // V8's code cache for the CLI bundle and the packages it loads (main/cli/load-bundle.cjs): saves
    // compiling them on each run (it runs help, keys and a diagnose on loopback to fill it).
    const cache = spawnSync(process.execPath, [path.join(root, 'scripts', 'write-code-cache.cjs')], { stdio: ['ignore', 'ignore', 'inherit'], timeout: 60_000 });
    if (cache.status !== 0) console.warn('The CLI code cache was not written (the CLI still works, only starts a little slower).');
  }
  if (want('renderer')) {
    const { build: viteBuild } = await import('vite');
    await viteBuild({ configFile: path.join(root, 'vite.config.mts'), logLevel: 'warn' });
  }
} catch (err) {
  // esbuild and Vite have already printed what is wrong and where; no stack trace on top.
  if (!err?.errors) console.error(err instanceof Error ? err.message : err);
  console.error('Build failed: fix the errors above, then run "npm run build" again.');
  process.exit(1);
}
console.log(`Built in ${((Date.now() - started) / 1000).toFixed(1)} s${only.length ? ` (${only.join(', ')})` : ''}.`);
