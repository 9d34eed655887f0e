// Runs the bundled CLI (dist/cli.cjs) like require() would, with V8's code cache: the bundle is
// ~800 KB of JavaScript, and parsing and compiling it was the largest part of every command's
// start-up after Node's own. `npm run build` writes dist/cli.cjs.cache (scripts/build.mjs), made by
// the Node.js that built it; a cache from another Node version, or from another build of the
// bundle (its SHA-1 is checked), is ignored and the bundle is compiled as usual.
'use strict';
const { createHash } = require('node:crypto');
const fs = require('node:fs');
const path = require('node:path');
const vm = require('node:vm');
const Module = require('node:module');

const DIGEST_BYTES = 20;

/** Loads `file` as the main CommonJS module; with `writeCache`, saves the code cache when the process exits. */
function loadBundle(file, { writeCache = false } = {}) {
  const source = fs.readFileSync(file, 'utf8');
  const digest = createHash('sha1').update(source).digest();
  const cacheFile = `${file}.cache`;
  let cachedData;
  if (!writeCache) {
    try {
      const saved = fs.readFileSync(cacheFile);
      if (saved.length > DIGEST_BYTES && saved.subarray(0, DIGEST_BYTES).equals(digest)) cachedData = saved.subarray(DIGEST_BYTES);
    } catch {
      // no cache (not built yet, or not writable when it was): compile as usual
    }
  }
  const script = new vm.Script(Module.wrap(source), { filename: file, ...(cachedData ? { cachedData } : {}) });
  const mod = new Module(file, null);
  mod.filename = file;
  mod.paths = Module._nodeModulePaths(path.dirname(file));
  if (writeCache) {
    // After the run, so that the functions it compiled are in the cache too.
    process.on('exit', () => fs.writeFileSync(cacheFile, Buffer.concat([digest, script.createCachedData()])));
  }
  script.runInThisContext().call(mod.exports, mod.exports, Module.createRequire(file), mod, file, path.dirname(file));
  mod.loaded = true;
}

module.exports = { loadBundle };
