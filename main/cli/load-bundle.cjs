// Runs the bundled CLI (dist/cli.cjs) like require() would, with V8's code cache for the bundle
// AND for the npm packages it requires (ssh2, zod, sshpk...: Node 20 caches no compiled code of its
// own). Parsing and compiling that JavaScript was, after Node's own start, the largest part of every
// command's start-up. `npm run build` writes dist/cli.cjs.cache (scripts/write-code-cache.cjs), made
// by the Node.js that built it. Each entry holds the SHA-1 of the source it was made from: V8 itself
// only compares a source's length, so a rebuilt bundle or an updated package of the same length
// would otherwise run the old code. An entry that does not match (another build, another package
// version, another Node), or a missing or damaged cache file, is ignored and that file is compiled
// as usual.
//
// The bundle's cache comes in variants: V8 reads a cache entry whole, so a command that never
// connects (keys, sites, help) reads one made by runs of such commands, and a command that
// connects (diagnose, check, repair) one made by a diagnose, with the engine and ssh2 and without
// the key converters (see scripts/write-code-cache.cjs).
//
// The cache file: "SDCC1\n", the header's length (4 bytes, big-endian), the header (JSON:
// { node, entries: [{ file, sha1, offset, length, variant? }] }, file relative to the bundle's
// folder), then the cached data of each entry.
'use strict';
const { createHash } = require('node:crypto');
const fs = require('node:fs');
const path = require('node:path');
const vm = require('node:vm');
const { isAscii } = require('node:buffer');
const Module = require('node:module');

const MAGIC = Buffer.from('SDCC1\n');
const MAX_HEADER = 1 << 20;
// Lets an import() inside a module work as it does under require().
const dynamicImport = vm.constants && vm.constants.USE_MAIN_CONTEXT_DEFAULT_LOADER ? { importModuleDynamically: vm.constants.USE_MAIN_CONTEXT_DEFAULT_LOADER } : {};

const sha1 = (text) => createHash('sha1').update(text).digest('hex');

/**
 * How many files were compiled with cached data, how many had none that matched, and which variant
 * of the bundle's cache was read (for tests and the bench).
 */
const stats = { cached: 0, compiled: 0, variant: null };

/** Reads `length` bytes of `file` at `position` (fewer when the file is shorter). */
function readAt(file, position, length) {
  const fd = fs.openSync(file, 'r');
  try {
    const buffer = Buffer.allocUnsafe(length);
    let got = 0;
    while (got < length) {
      const n = fs.readSync(fd, buffer, got, length - got, position + got);
      if (n === 0) break;
      got += n;
    }
    return buffer.subarray(0, got);
  } finally {
    fs.closeSync(fd);
  }
}

/**
 * `file` (relative to `baseDir`, with "/") as an absolute name, the way Node names a module's file.
 * The usual shapes ("cli.cjs", "../node_modules/...") by joining strings: path.resolve() for each
 * of a few hundred entries would cost more than some commands' whole work.
 */
function absolute(baseDir, file) {
  const native = path.sep === '/' ? file : file.split('/').join(path.sep);
  if (!file.includes('..')) return baseDir + path.sep + native;
  if (file.startsWith('../') && !file.slice(3).includes('..')) return path.dirname(baseDir) + path.sep + native.slice(3);
  return path.resolve(baseDir, file);
}

/**
 * The cache's entries by absolute file name, or an empty map when there is no usable cache. Only
 * the header is read here; each entry's data is read when its file is compiled (a command reads
 * the cache of what it loads, not of every package).
 */
function readCache(cacheFile, baseDir, variant) {
  const entries = new Map();
  try {
    const head = readAt(cacheFile, 0, 64 * 1024);
    if (head.length < MAGIC.length + 4 || !head.subarray(0, MAGIC.length).equals(MAGIC)) return entries;
    const headerLength = head.readUInt32BE(MAGIC.length);
    if (headerLength > MAX_HEADER) return entries;
    const start = MAGIC.length + 4 + headerLength;
    const headerBytes = start <= head.length ? head.subarray(MAGIC.length + 4, start) : readAt(cacheFile, MAGIC.length + 4, headerLength);
    if (headerBytes.length !== headerLength) return entries;
    const header = JSON.parse(headerBytes.toString('utf8'));
    if (header.node !== process.version || !Array.isArray(header.entries)) return entries;
    for (const e of header.entries) {
      if (typeof e.file !== 'string' || typeof e.sha1 !== 'string' || !Number.isSafeInteger(e.offset) || !Number.isSafeInteger(e.length)) continue;
      if (e.offset < 0 || e.length <= 0 || (e.variant !== undefined && e.variant !== variant)) continue;
      const position = start + e.offset;
      entries.set(absolute(baseDir, e.file), { sha1: e.sha1, data: () => readAt(cacheFile, position, e.length) });
    }
  } catch {
    entries.clear(); // not built yet, not writable when it was, or damaged: compile as usual
  }
  return entries;
}

/** The cache variant of the bundle a command reads: "connect" for the commands that run the engine. */
function cacheVariantFor(argv) {
  return ['diagnose', 'check', 'repair'].includes(argv[0]) ? 'connect' : 'base';
}

/** Writes `parts` ([{ entry, data }]) as a cache file, atomically (a reader sees the old file or the new one). */
function writeParts(cacheFile, parts) {
  const entries = [];
  let offset = 0;
  for (const { entry, data } of parts) {
    entries.push({ ...entry, offset, length: data.length });
    offset += data.length;
  }
  const header = Buffer.from(JSON.stringify({ node: process.version, entries }));
  const length = Buffer.alloc(4);
  length.writeUInt32BE(header.length);
  const tmp = `${cacheFile}.${process.pid}.tmp`;
  fs.writeFileSync(tmp, Buffer.concat([MAGIC, length, header, ...parts.map((p) => p.data)]));
  fs.renameSync(tmp, cacheFile);
}

function writeCache(cacheFile, baseDir, scripts, bundleFile, variant) {
  const parts = [];
  for (const [file, { hash, script }] of scripts) {
    const entry = { file: path.relative(baseDir, file).split(path.sep).join('/'), sha1: hash };
    parts.push({ entry: file === bundleFile && variant ? { ...entry, variant } : entry, data: script.createCachedData() });
  }
  writeParts(cacheFile, parts);
}

/**
 * Joins cache files written by separate runs (each with its own variant of the bundle's entry)
 * into `cacheFile`. An entry of the same file and variant in more than one is taken from the first.
 */
function mergeCacheFiles(cacheFile, sources) {
  const parts = [];
  const seen = new Set();
  for (const source of sources) {
    const bytes = fs.readFileSync(source);
    if (!bytes.subarray(0, MAGIC.length).equals(MAGIC)) throw new Error(`${source} is not a code cache file`);
    const headerLength = bytes.readUInt32BE(MAGIC.length);
    const start = MAGIC.length + 4 + headerLength;
    const header = JSON.parse(bytes.toString('utf8', MAGIC.length + 4, start));
    for (const e of header.entries) {
      const key = `${e.file}\0${e.variant ?? ''}`;
      if (seen.has(key)) continue;
      seen.add(key);
      const { offset, length, ...entry } = e;
      parts.push({ entry, data: bytes.subarray(start + offset, start + offset + length) });
    }
  }
  writeParts(cacheFile, parts);
}

/**
 * A compiled module wrapper: with the cached data when it was made from this very source. `bytes`,
 * the file as read, when there is one: hashing them costs far less than hashing the decoded text
 * (decoded text would have to be encoded again first).
 */
function compile(source, filename, cached, scripts, bytes) {
  const hash = sha1(bytes ?? source);
  let cachedData;
  if (cached && cached.sha1 === hash) {
    try {
      cachedData = cached.data();
    } catch {
      // the cache file went away since: compile as usual
    }
  }
  const script = new vm.Script(Module.wrap(source), { filename, ...(cachedData ? { cachedData } : {}), ...dynamicImport });
  if (cachedData && !script.cachedDataRejected) stats.cached++;
  else stats.compiled++;
  if (scripts) scripts.set(filename, { hash, script });
  return script.runInThisContext({ displayErrors: true });
}

/** The `require` a CommonJS module gets (what Node's own loader gives it). */
function requireFor(mod) {
  const require = (id) => mod.require(id);
  require.resolve = (request, options) => Module._resolveFilename(request, mod, false, options);
  require.resolve.paths = (request) => Module._resolveLookupPaths(request, mod);
  require.main = process.mainModule;
  require.extensions = Module._extensions;
  require.cache = Module._cache;
  return require;
}

/**
 * Compiles the npm packages' CommonJS files with their cached data (or, when writing, every one
 * of them so that their cache can be saved). Files with a shebang, ES modules, and files outside
 * a node_modules folder take Node's own path.
 */
function hookPackages(entries, scripts) {
  const original = Module.prototype._compile;
  Module.prototype._compile = function compileWithCache(content, filename, format) {
    const cached = entries.get(filename);
    const wanted = scripts ? filename.includes(`${path.sep}node_modules${path.sep}`) : cached !== undefined;
    if (!wanted || (format !== undefined && format !== 'commonjs') || typeof content !== 'string' || content.startsWith('#!')) {
      return original.apply(this, arguments);
    }
    let wrapper;
    try {
      wrapper = compile(content, filename, cached, scripts);
    } catch {
      return original.apply(this, arguments); // not a script (an ES module in a .js file): Node knows what to do
    }
    return wrapper.call(this.exports, this.exports, requireFor(this), this, filename, path.dirname(filename));
  };
}

/**
 * Loads `file` as the main CommonJS module and returns its exports. Reads the bundle's cache
 * variant for the command in `argv` (default: the process's own arguments). With `writeCache`,
 * saves the code cache when the process exits, to `cacheFile` (default: the bundle's name +
 * ".cache"), the bundle's entry marked as `variant` when one is given.
 */
function loadBundle(file, { writeCache: write = false, argv = process.argv.slice(2), variant, cacheFile = `${file}.cache` } = {}) {
  const baseDir = path.dirname(file);
  if (!write) stats.variant = cacheVariantFor(argv);
  const entries = write ? new Map() : readCache(cacheFile, baseDir, stats.variant);
  const scripts = write ? new Map() : null;
  hookPackages(entries, scripts);
  // After the run, so that the functions it compiled are in the cache too.
  if (write) process.on('exit', () => writeCache(cacheFile, baseDir, scripts, file, variant));

  const bytes = fs.readFileSync(file);
  // esbuild writes the bundle in ASCII: read as Latin-1 it is the same text, decoded at memory
  // speed, and V8 keeps it in one byte a character (half the memory, faster to parse).
  const source = isAscii(bytes) ? bytes.toString('latin1') : bytes.toString('utf8');
  const mod = new Module(file, null);
  mod.filename = file;
  mod.paths = Module._nodeModulePaths(baseDir);
  const wrapper = compile(source, file, entries.get(file), scripts, bytes);
  wrapper.call(mod.exports, mod.exports, Module.createRequire(file), mod, file, baseDir);
  mod.loaded = true;
  return mod.exports;
}

module.exports = { loadBundle, cacheVariantFor, mergeCacheFiles, stats };
