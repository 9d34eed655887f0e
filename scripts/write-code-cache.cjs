// Part of `npm run build`: saves V8's code cache for the bundled CLI and for each npm package file
// it loads, as dist/cli.cjs.cache (see main/cli/load-bundle.cjs). V8 caches only the functions
// that were compiled before the cache is made, so this runs what users run most, in two processes
// of its own, one for each variant of the bundle's cache:
//   base     the help of every command, `keys convert` and `keys inspect` on a passphrase-protected
//            PPK v3 and OpenSSH key (read by the commands that never connect);
//   connect  a healthy `diagnose` against an SSH server on loopback: ssh2's own server, with
//            OpenSSH's sftp-server behind it when this machine has one (read by diagnose, check
//            and repair).
// V8 reads a cache entry whole, so each variant holds only what its commands compile. A function
// that no run compiled is compiled when first used, as without a cache.
//
// Nothing here reaches beyond 127.0.0.1, and everything it writes is in a temporary folder that is
// removed at the end. Whatever fails only leaves the cache with fewer functions: the build goes on.
// SFTP_DOCTOR_CACHE_DEBUG=1 shows what each warm-up command printed and how it ended.
'use strict';
const { spawn, spawnSync } = require('node:child_process');
const { generateKeyPairSync, randomBytes } = require('node:crypto');
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');
const { Readable, Writable } = require('node:stream');
const Module = require('node:module');
const { loadBundle, mergeCacheFiles } = require('../main/cli/load-bundle.cjs');

const bundle = path.join(__dirname, '..', 'dist', 'cli.cjs');
const SFTP_SERVERS = ['/usr/lib/openssh/sftp-server', '/usr/libexec/openssh/sftp-server', '/usr/libexec/sftp-server', '/usr/lib/ssh/sftp-server'];
const PASS_VAR = 'SFTP_DOCTOR_CACHE_PASSPHRASE';
const VARIANTS = ['base', 'connect'];
const debug = Boolean(process.env.SFTP_DOCTOR_CACHE_DEBUG);
const quiet = debug ? process.stderr : new Writable({ write: (_chunk, _encoding, done) => done() });

function io(env) {
  return { stdout: quiet, stderr: quiet, stdin: Readable.from([]), env };
}

/** Runs `argv` through the CLI; returns its exit code (never throws). */
async function run(runCli, argv, env) {
  let code = -1;
  try {
    code = await runCli(argv, io(env));
  } catch (err) {
    if (debug) process.stderr.write(`${err instanceof Error ? err.stack : String(err)}\n`);
  }
  if (debug) process.stderr.write(`[code cache] ${argv.slice(0, 2).join(' ')}: exit ${code}\n`);
  return code;
}

/** ssh2's server on 127.0.0.1 that lets `user` in with any key and starts `sftpServer` in `folder` for SFTP. */
async function startServer(ssh2, user, sftpServer, folder) {
  const hostKey = ssh2.utils.generateKeyPairSync('ed25519');
  const children = new Set();
  const server = new ssh2.Server({ hostKeys: [hostKey.private] }, (client) => {
    client.on('error', () => undefined);
    client.on('authentication', (ctx) => (ctx.method === 'publickey' && ctx.username === user ? ctx.accept() : ctx.reject(['publickey'])));
    client.on('ready', () => {
      client.on('session', (accept) => {
        const session = accept();
        session.on('exec', (_accept, reject) => reject());
        session.on('shell', (_accept, reject) => reject());
        session.on('subsystem', (acceptSub, reject, info) => {
          if (info.name !== 'sftp') return reject();
          const channel = acceptSub();
          const child = spawn(sftpServer, [], { cwd: folder, stdio: ['pipe', 'pipe', 'ignore'] });
          children.add(child);
          channel.pipe(child.stdin);
          child.stdout.pipe(channel);
          child.on('error', () => channel.close());
          child.on('exit', (code) => {
            children.delete(child);
            channel.exit(code ?? 1);
            channel.end();
          });
          channel.on('close', () => child.kill());
        });
      });
    });
  });
  await new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', resolve);
  });
  const pub = ssh2.utils.parseKey(hostKey.public);
  return {
    port: server.address().port,
    publicKey: `ssh-ed25519 ${pub.getPublicSSH().toString('base64')}`,
    stop: () =>
      new Promise((resolve) => {
        for (const c of children) c.kill();
        server.close(() => resolve());
      }),
  };
}

function environment(dir) {
  const env = { ...process.env, SFTP_DOCTOR_HOME: path.join(dir, 'home'), [PASS_VAR]: randomBytes(12).toString('hex') };
  delete env.SSH_AUTH_SOCK;
  return env;
}

/** The commands that never connect: every command's help, and keys converted and inspected the ways users do most. */
async function warmUpBase(runCli, dir) {
  const env = environment(dir);
  const file = (name) => path.join(dir, name);
  await run(runCli, ['--help'], env);
  const { privateKey } = generateKeyPairSync('ed25519', { privateKeyEncoding: { type: 'pkcs8', format: 'pem' }, publicKeyEncoding: { type: 'spki', format: 'pem' } });
  fs.writeFileSync(file('key.pem'), privateKey, { mode: 0o600 });
  await run(runCli, ['keys', 'convert', file('key.pem'), '--to', 'ppk-v3', '-o', file('key.ppk'), '--new-passphrase-env', PASS_VAR], env);
  await run(runCli, ['keys', 'inspect', '--passphrase-env', PASS_VAR, file('key.ppk')], env);
  await run(runCli, ['keys', 'convert', file('key.ppk'), '--to', 'openssh', '-o', file('key-enc'), '--passphrase-env', PASS_VAR], env);
  await run(runCli, ['keys', 'inspect', '--passphrase-env', PASS_VAR, file('key-enc')], env);
  await run(runCli, ['keys', 'inspect', file('key.pem')], env);
}

/** A healthy diagnose (key login, listing, write test), when an SFTP server program is at hand. */
async function warmUpConnect(runCli, dir, requireFromBundle) {
  const env = environment(dir);
  const file = (name) => path.join(dir, name);
  const sftpServer = SFTP_SERVERS.find((p) => fs.existsSync(p));
  if (!sftpServer) {
    if (debug) process.stderr.write('[code cache] no sftp-server on this machine: the connect variant holds no diagnose\n');
    return;
  }
  const ssh2 = requireFromBundle('ssh2');
  // The client's key in OpenSSH's format, as most users have theirs.
  fs.writeFileSync(file('key'), ssh2.utils.generateKeyPairSync('ed25519').private, { mode: 0o600 });
  const folder = file('sftp');
  fs.mkdirSync(folder);
  const server = await startServer(ssh2, 'cache', sftpServer, folder);
  try {
    fs.writeFileSync(file('known_hosts'), `[127.0.0.1]:${server.port} ${server.publicKey}\n`);
    await run(runCli, ['diagnose', '--key', file('key'), '--known-hosts', file('known_hosts'), '--timeout', '10', `sftp://cache@127.0.0.1:${server.port}`], env);
  } finally {
    await server.stop();
  }
}

/** One variant, in this process: loads the bundle, runs its commands, writes `out` on exit. */
async function part(variant, out) {
  // The bundle answers --version and nothing else while it loads; the commands run below.
  process.argv = [process.argv[0], bundle, '--version'];
  const cli = loadBundle(bundle, { writeCache: true, variant, cacheFile: out });
  const requireFromBundle = Module.createRequire(bundle);
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'sftp-doctor-code-cache-'));
  try {
    const { runCli } = await cli.loadCli();
    if (variant === 'base') await warmUpBase(runCli, dir);
    else await warmUpConnect(runCli, dir, requireFromBundle);
  } catch (err) {
    // fewer functions in the cache, nothing worse
    if (debug) process.stderr.write(`${err instanceof Error ? err.stack : String(err)}\n`);
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
  if (variant === 'base') {
    // The packages commands load only when they run (ws for the ui, fflate for bundles...).
    for (const name of Object.keys(require('../package.json').dependencies ?? {})) {
      try {
        requireFromBundle(name);
      } catch {
        // an optional part that is not installed here: its files are compiled as usual when used
      }
    }
  }
  // The cache is written on exit (load-bundle.cjs); nothing else is left to wait for.
  process.exit(0);
}

/** Runs each variant in a process of its own, then joins their caches into dist/cli.cjs.cache. */
function main() {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'sftp-doctor-code-cache-parts-'));
  try {
    const outs = [];
    for (const variant of VARIANTS) {
      const out = path.join(dir, `${variant}.cache`);
      const r = spawnSync(process.execPath, [__filename, '--part', variant, out], { stdio: ['ignore', debug ? 'inherit' : 'ignore', 'inherit'], timeout: 60_000 });
      if (r.status === 0 && fs.existsSync(out)) outs.push(out);
      else process.stderr.write(`The code cache for the ${variant} commands was not written (they still work, only start a little slower).\n`);
    }
    if (outs.length === 0) return 1;
    mergeCacheFiles(`${bundle}.cache`, outs);
    return 0;
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

if (process.argv[2] === '--part') void part(process.argv[3], process.argv[4]);
else process.exitCode = main();
