import { spawn } from 'node:child_process';
import { createHmac, randomBytes } from 'node:crypto';
import { promises as fs, watch } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ensureUser, generateKey, sshdAvailable, startSshd, type GeneratedKey, type SshdServer } from '../../e2e/harness/index';
import { planRepair } from './index';
import { check, modeOf, repairOnce, tempDir, WORKING } from './test-helpers';

const sshd = sshdAvailable();
const USER = 'sdrephk';
const PASSWORD = 'hostkey-fix-pw-1';

let dir: string;
let n = 0;
const kh = () => path.join(dir, `known_hosts_${++n}`);

function hashed(name: string): string {
  const salt = randomBytes(20);
  return `|1|${salt.toString('base64')}|${createHmac('sha1', salt).update(name).digest('base64')}`;
}

/** A known_hosts with every kind of line a real one has, none of them for the test server. */
function richFile(keys: GeneratedKey[], extra = ''): string {
  const [a, b, c] = keys as [GeneratedKey, GeneratedKey, GeneratedKey];
  return [
    '# known hosts of a real user',
    `${hashed('files.example.com')} ${a.publicKey}`,
    `[files.example.com]:2222 ${b.publicKey} comment with  two spaces`,
    `@cert-authority *.example.com ${c.publicKey}`,
    `@revoked * ${b.publicKey}`,
    `alpha.example,192.0.2.7 ${a.publicKey}`,
    '   ',
    'this line is not an entry and stays as it is',
    `\t${c.publicKey.split(' ')[0]} tab-indented.example ${c.publicKey.split(' ')[1]}`,
    extra,
  ]
    .filter((l) => l !== '')
    .join('\n');
}

beforeAll(async () => {
  dir = await tempDir('hostkeys');
});
afterAll(async () => {
  await fs.rm(dir, { recursive: true, force: true });
});

describe.skipIf(!sshd.ok)('host-key fixes against a real sshd', () => {
  let server: SshdServer;
  let others: GeneratedKey[];
  beforeAll(async () => {
    [server, others] = await Promise.all([
      startSshd(),
      Promise.all([generateKey('ed25519'), generateKey('ecdsa'), generateKey('ed25519')]),
      ensureUser({ name: USER, password: PASSWORD }),
    ]);
  });
  afterAll(async () => {
    await server?.stop();
  });

  const request = () => ({ protocol: 'sftp' as const, host: server.host, port: server.port, user: USER, password: PASSWORD });

  it('trust-host-key: refuses a wrong fingerprint, then with the ssh-keygen -l line adds exactly one line, keeps a backup and connects', async () => {
    const file = kh();
    const old = `${richFile(others)}\n`;
    await fs.writeFile(file, old, { mode: 0o644 });
    const before = await check(request(), file);
    expect(before.diagnosis.code).toBe('HOSTKEY_UNKNOWN');
    const key = before.facts.hostkey!.key;

    const plan = await planRepair({ request: request(), result: before, defaultKnownHostsPath: file }, 'trust-host-key');
    expect(plan.needs).toEqual(['confirmation', 'fingerprint']);
    expect(plan.changes.join('\n')).toContain(`[${server.host}]:${server.port} ${key.publicKey}`);

    await expect(repairOnce(request(), file, 'trust-host-key', { confirmed: true, fingerprint: others[0]!.sha256 })).rejects.toMatchObject({ code: 'REFUSED' });
    await expect(repairOnce(request(), file, 'trust-host-key', { confirmed: true })).rejects.toMatchObject({ code: 'NEEDS_INPUT' });
    await expect(repairOnce(request(), file, 'trust-host-key', { confirmed: false, fingerprint: key.sha256 })).rejects.toMatchObject({ code: 'NEEDS_CONFIRMATION' });
    expect(await fs.readFile(file, 'latin1')).toBe(old);

    const served = server.hostKeys.find((k) => k.type === key.type)!;
    const keygenLine = `256 ${served.sha256} root@server (ED25519)`;
    const r = await repairOnce(request(), file, 'trust-host-key', { confirmed: true, fingerprint: keygenLine });
    expect(await fs.readFile(file, 'latin1')).toBe(`${old}[${server.host}]:${server.port} ${served.publicKey}\n`);
    expect(r.applied.backups).toEqual([`${file}.bak`]);
    expect(await fs.readFile(`${file}.bak`, 'latin1')).toBe(old);
    expect(await modeOf(file)).toBe('644');
    expect(r.after?.diagnosis.code).toBe(WORKING);
    expect(r.after?.facts.hostkey?.status).toBe('trusted');
  });

  it('trust-host-key accepts the MD5 form too, and creates a missing file with mode 600', async () => {
    const file = path.join(dir, 'new-folder', 'known_hosts');
    const before = await check(request(), file);
    const served = server.hostKeys.find((k) => k.type === before.facts.hostkey!.key.type)!;
    const r = await repairOnce(request(), file, 'trust-host-key', { confirmed: true, fingerprint: served.md5.toUpperCase().replace('MD5:', '') });
    expect(await fs.readFile(file, 'latin1')).toBe(`[${server.host}]:${server.port} ${served.publicKey}\n`);
    expect(r.applied.backups).toEqual([]);
    expect(await modeOf(file)).toBe('600');
    expect(r.after?.diagnosis.code).toBe(WORKING);
  });

  it('replace-host-key: shows both keys, then replaces only this server\'s old key; every other byte stays', async () => {
    const file = kh();
    const name = `[${server.host}]:${server.port}`;
    const stale = others[2]!; // an ed25519 key that is not the server's
    const lines = [...richFile(others).split('\n'), `${name},alias.example ${stale.publicKey} old-server`, '# last comment without a line end'];
    const old = lines.join('\r\n');
    await fs.writeFile(file, old);
    const before = await check(request(), file);
    expect(before.diagnosis.code).toBe('HOSTKEY_CHANGED');
    const key = before.facts.hostkey!.key;
    expect(key.type).toBe('ssh-ed25519');

    const plan = await planRepair({ request: request(), result: before, defaultKnownHostsPath: file }, 'replace-host-key');
    expect(plan.risk).toBe('dangerous');
    const text = plan.changes.join('\n');
    expect(text).toContain(stale.sha256);
    expect(text).toContain(key.sha256);
    expect(plan.notes?.join(' ')).toMatch(/attacker/);

    await expect(repairOnce(request(), file, 'replace-host-key', { confirmed: true, fingerprint: stale.sha256 })).rejects.toMatchObject({ code: 'REFUSED' });
    expect(await fs.readFile(file, 'latin1')).toBe(old);

    const r = await repairOnce(request(), file, 'replace-host-key', { confirmed: true, fingerprint: key.sha256 });
    const expected = [...lines.slice(0, -2), `alias.example ${stale.publicKey} old-server`, lines.at(-1), `${name} ${key.publicKey}`].join('\r\n') + '\r\n';
    expect(await fs.readFile(file, 'latin1')).toBe(expected);
    expect(await fs.readFile(`${file}.bak`, 'latin1')).toBe(old);
    expect(r.applied.backups).toEqual([`${file}.bak`]);
    expect(r.after?.diagnosis.code).toBe(WORKING);
  });

  it('hashes the new line when the file hashes its names (HashKnownHosts yes)', async () => {
    const file = kh();
    const old = `${hashed('one.example')} ${others[0]!.publicKey}\n${hashed('two.example')} ${others[1]!.publicKey}\n`;
    await fs.writeFile(file, old);
    const before = await check(request(), file);
    const r = await repairOnce(request(), file, 'trust-host-key', { confirmed: true, fingerprint: before.facts.hostkey!.key.sha256 });
    const text = await fs.readFile(file, 'latin1');
    expect(text.startsWith(old)).toBe(true);
    expect(text.slice(old.length)).toMatch(new RegExp(`^\\|1\\|[^ ]+ ${before.facts.hostkey!.key.publicKey.replace(/[+/]/g, '\\$&')}\\n$`));
    expect(text).not.toContain(server.host);
    expect(r.after?.diagnosis.code).toBe(WORKING);
  });
});

describe('a known_hosts write killed half-way', () => {
  it('leaves the file either as it was or as it should become, never broken (SIGKILL at random moments)', async () => {
    const keys = await Promise.all([generateKey('ed25519'), generateKey('ecdsa'), generateKey('ed25519')]);
    const file = path.join(dir, 'killed_known_hosts');
    // About 8 MB of other hosts, so a write takes long enough to be interrupted.
    const filler = Array.from({ length: 60_000 }, (_, i) => `host-${i}.example.net ${keys[i % 3]!.publicKey}`).join('\n');
    const before = `${richFile(keys)}\n${filler}\n`;
    const added = `${before}[victim.example]:2222 ${keys[0]!.publicKey}\n`;
    await fs.writeFile(file, before);
    const writer = path.join(__dirname, 'fixtures', 'known-hosts-writer.ts');
    let interruptedWrites = 0;
    // At least 5 kills; a few more (bounded) until one has landed in the middle of a write.
    for (let round = 0; round < 12 && (round < 5 || interruptedWrites === 0); round++) {
      // One process (node with tsx's loader), so SIGKILL stops the writer itself, not a wrapper.
      const child = spawn(process.execPath, ['--import', 'tsx', writer, file, 'victim.example', '2222', keys[0]!.publicKey, '1000'], { stdio: ['ignore', 'pipe', 'inherit'] });
      // Kill the moment the writer creates its temporary file (it is writing 8 MB into it), or, on
      // every other round, at a random moment after a few writes.
      const atTmp = round % 2 === 0;
      const target = 1 + Math.floor(Math.random() * 3);
      await new Promise<void>((resolve) => {
        let seen = 0;
        const watcher = watch(dir, (_event, name) => {
          if (atTmp && name && String(name).startsWith('.killed_known_hosts.') && String(name).endsWith('.tmp')) {
            child.kill('SIGKILL');
            watcher.close();
            resolve();
          }
        });
        child.stdout.on('data', (d: Buffer) => {
          seen += d.toString().split('\n').filter(Boolean).length;
          if (!atTmp && seen >= target) {
            setTimeout(() => child.kill('SIGKILL'), Math.floor(Math.random() * 40));
            watcher.close();
            resolve();
          }
        });
        child.once('exit', () => {
          watcher.close();
          resolve();
        });
      });
      await new Promise((r) => (child.exitCode !== null || child.signalCode !== null ? r(null) : child.once('exit', r)));
      expect(child.signalCode).toBe('SIGKILL');
      const now = await fs.readFile(file, 'latin1');
      expect(now === before || now === added).toBe(true);
      const leftovers = (await fs.readdir(dir)).filter((f) => f.startsWith('.killed_known_hosts.') && f.endsWith('.tmp'));
      if (leftovers.length) interruptedWrites++;
      for (const f of leftovers) await fs.rm(path.join(dir, f));
    }
    // At least one kill landed in the middle of writing the temporary file.
    expect(interruptedWrites).toBeGreaterThan(0);
  }, 40_000);
});
