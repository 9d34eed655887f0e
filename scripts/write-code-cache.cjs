// Part of `npm run build`: runs the bundled CLI once (`--help`, which loads every command), loads
// the npm packages its commands require only when they run (sshpk, argon2, fflate...), and saves
// V8's code cache for the bundle and for each package file as dist/cli.cjs.cache (see
// main/cli/load-bundle.cjs).
'use strict';
const path = require('node:path');
const Module = require('node:module');
const { loadBundle } = require('../main/cli/load-bundle.cjs');

const bundle = path.join(__dirname, '..', 'dist', 'cli.cjs');
loadBundle(bundle, { writeCache: true });
const requireFromBundle = Module.createRequire(bundle);
for (const name of Object.keys(require('../package.json').dependencies ?? {})) {
  try {
    requireFromBundle(name);
  } catch {
    // an optional part that is not installed here: its files are compiled as usual when used
  }
}
