/**
 * The files we share with other programs and other SFTP Doctor processes (known_hosts, sites.json,
 * repairs.log): locked across processes, written atomically with an atomic backup, through
 * symlinks, each line keeping its own ending, temporary files of killed writers cleaned up.
 * The concurrency and kill tests use real separate processes.
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { generateKeyPairSync } from 'node:crypto';
import { promises as fs, watch } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { build } from 'esbuild';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { puttyForm } from '../import/fixtures/putty-form';
import { FileWriteError, removeStaleTemporaryFiles, writeFileAtomic } from './atomic-file';
import { addHostKey, parseKnownHosts, removeHostKey, replaceHostKey } from './known-hosts';
import { SiteStore } from './sites';

const root = path.resolve(__dirname, '..', '..');
let writer: string;
let dir: string;
beforeAll(async () => {
  dir = await fs.mkdtemp(path.join(os.tmpdir(), 'store-files-'));
  // The writer bundled once (npm packages stay in node_modules): each child then starts in a
  // fraction of the time a TypeScript loader needs, so the many processes really overlap.
  await fs.mkdir(path.join(root, '.tmp'), { recursive: true });
  writer = path.join(root, '.tmp', `parallel-writer-${process.pid}.cjs`);
  await build({ absWorkingDir: root, entryPoints: [path.join(__dirname, 'fixtures', 'parallel-writer.ts')], bundle: true, platform: 'node', target: 'node20', format: 'cjs', packages: 'external', outfile: writer, logLevel: 'warning' });
});
afterAll(async () => {
  await fs.rm(dir, { recursive: true, force: true });
  await fs.rm(writer, { force: true });
});

function ed25519(): string {
  const raw = generateKeyPairSync('ed25519').publicKey.export({ format: 'der', type: 'spki' }).subarray(-32);
  const str = (b: Buffer) => Buffer.concat([Buffer.from([0, 0, 0, b.length]), b]);
  return `ssh-ed25519 ${Buffer.concat([str(Buffer.from('ssh-ed25519')), str(raw)]).toString('base64')}`;
}

function child(args: string[]): ChildProcess & { out: () => string; err: () => string; ready: Promise<void>; done: Promise<number | null> } {
  // One node process, so a SIGKILL stops the writer itself, not a wrapper.
  const c = spawn(process.execPath, [writer, ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  let err = '';
  const ready = new Promise<void>((resolve) => {
    c.stdout!.on('data', (d: Buffer) => {
      out += d.toString();
      if (out.includes('ready\n')) resolve();
    });
    c.once('exit', () => resolve());
  });
  c.stderr!.on('data', (d: Buffer) => (err += d.toString()));
  const done = new Promise<number | null>((resolve) => c.once('exit', (code) => resolve(code)));
  return Object.assign(c, { out: () => out, err: () => err, ready, done });
}

/** Starts every writer, waits until all are loaded, then lets them write at the same moment. */
async function allAtOnce(argsList: string[][]): Promise<string[]> {
  const go = path.join(dir, `go-${Math.random().toString(36).slice(2)}`);
  const children = argsList.map((a) => child([go, ...a]));
  await Promise.all(children.map((c) => c.ready));
  await fs.writeFile(go, '');
  const codes = await Promise.all(children.map((c) => c.done));
  children.forEach((c, i) => expect(codes[i], `writer ${i}: ${c.err()}`).toBe(0));
  return children.map((c) => c.out());
}

describe('many writers in separate processes', () => {
  it('20 processes trusting a key in the same known_hosts at once: every line is kept', async () => {
    const file = path.join(dir, 'parallel_known_hosts');
    const mine = '# written by hand\r\n@cert-authority *.corp ' + ed25519() + '\n';
    await fs.writeFile(file, mine);
    const keys = Array.from({ length: 20 }, () => ed25519());
    await allAtOnce(keys.map((k, i) => ['trust', file, `host-${i}.example`, '2222', k]));
    const text = await fs.readFile(file, 'latin1');
    expect(text.startsWith(mine)).toBe(true);
    const parsed = parseKnownHosts(text);
    expect(parsed.entries.filter((e) => e.marker === null).map((e) => e.hosts).sort()).toEqual(keys.map((_, i) => `[host-${i}.example]:2222`).sort());
    for (const [i, k] of keys.entries()) expect(text).toContain(`[host-${i}.example]:2222 ${k}\n`);
    // No lock folder or temporary file is left behind.
    expect((await fs.readdir(dir)).filter((f) => f.includes('parallel_known_hosts') && f !== 'parallel_known_hosts' && f !== 'parallel_known_hosts.bak')).toEqual([]);
  }, 120_000);

  it('10 processes running "sites import --yes" into one data folder at once: all 10 sites and their host keys are kept', async () => {
    const data = path.join(dir, 'parallel-data');
    const inis = await Promise.all(
      Array.from({ length: 10 }, async (_, i) => {
        const [name, value] = puttyForm(ed25519(), `site-${i}.example`, 22);
        const ini = path.join(dir, `winscp-${i}.ini`);
        await fs.writeFile(ini, `[Sessions\\Site ${i}]\r\nHostName=site-${i}.example\r\nUserName=u${i}\r\n\r\n[SshHostKeys]\r\n${name}=${value}\r\n`);
        return ini;
      }),
    );
    await allAtOnce(inis.map((ini) => ['import', data, ini]));
    const sites = await new SiteStore({ dataDir: data }).list();
    expect(sites.map((s) => s.name).sort()).toEqual(Array.from({ length: 10 }, (_, i) => `Site ${i}`).sort());
    const kh = parseKnownHosts(await fs.readFile(path.join(data, 'known_hosts'), 'latin1'));
    expect(kh.entries.map((e) => e.hosts).sort()).toEqual(Array.from({ length: 10 }, (_, i) => `site-${i}.example`).sort());
  }, 120_000);

  it('10 processes appending to repairs.log at once: every line is whole', async () => {
    const log = path.join(dir, 'repairs.log');
    const lines = Array.from({ length: 10 }, (_, i) => JSON.stringify({ fix: `fix-${i}`, pad: 'x'.repeat(9000) }));
    await allAtOnce(lines.map((l) => ['log', log, l]));
    expect((await fs.readFile(log, 'utf8')).split('\n').filter(Boolean).sort()).toEqual([...lines].sort());
  }, 120_000);
});

describe('the lock itself', () => {
  it('waits while a live process holds the lock, and takes over at once the lock of a process that died', async () => {
    const file = path.join(dir, 'locked_known_hosts');
    await fs.writeFile(file, '# mine\n');
    const holder = spawn(process.execPath, ['-e', 'setTimeout(() => {}, 60000)'], { stdio: 'ignore' });
    try {
      await fs.mkdir(`${file}.lock`);
      await fs.writeFile(path.join(`${file}.lock`, 'owner'), `${os.hostname()} ${holder.pid}`);
      let done = false;
      const write = addHostKey(file, 'waits.example', 22, ed25519()).then(() => (done = true));
      await new Promise((r) => setTimeout(r, 500));
      expect(done).toBe(false);
      expect(await fs.readFile(file, 'latin1')).toBe('# mine\n');
      await fs.rm(`${file}.lock`, { recursive: true });
      await write;
      expect(await fs.readFile(file, 'latin1')).toMatch(/^# mine\nwaits\.example ssh-ed25519 /);
    } finally {
      holder.kill('SIGKILL');
    }
    // A lock whose owner is gone (killed before it could release it): taken over, not waited for.
    const dead = spawnSync(process.execPath, ['-e', '0']).pid!;
    await fs.mkdir(`${file}.lock`);
    await fs.writeFile(path.join(`${file}.lock`, 'owner'), `${os.hostname()} ${dead}`);
    await addHostKey(file, 'after.example', 22, ed25519());
    expect(await fs.readFile(file, 'latin1')).toMatch(/\nafter\.example ssh-ed25519 \S+\n$/);
    expect((await fs.readdir(dir)).filter((f) => f.startsWith('locked_known_hosts.lock'))).toEqual([]);
  });
});

describe('taking over the lock of a writer that died', () => {
  it('12 processes meeting a dead process’s lock at once: exactly one takes it over, every write is kept (2 rounds)', async () => {
    const file = path.join(dir, 'takeover_known_hosts');
    await fs.writeFile(file, '# mine\n');
    const written: string[] = [];
    for (let round = 0; round < 2; round++) {
      const dead = spawnSync(process.execPath, ['-e', '0']).pid!;
      await fs.mkdir(`${file}.lock`);
      await fs.writeFile(path.join(`${file}.lock`, 'owner'), `${os.hostname()} ${dead}`);
      const keys = Array.from({ length: 12 }, () => ed25519());
      const outs = await allAtOnce(keys.map((k, i) => ['trust', file, `r${round}-${i}.example`, '22', k]));
      const taken = outs.map((o) => Number(/takeovers (\d+)/.exec(o)?.[1] ?? NaN));
      expect(taken.reduce((a, b) => a + b, 0), `takeovers per writer: ${taken.join(' ')}`).toBe(1);
      keys.forEach((k, i) => written.push(`r${round}-${i}.example ${k}`));
      const text = await fs.readFile(file, 'latin1');
      for (const line of written) expect(text).toContain(`${line}\n`);
      expect(text.startsWith('# mine\n')).toBe(true);
    }
    // No lock, claim or moved-aside folder is left behind.
    expect((await fs.readdir(dir)).filter((f) => f.startsWith('takeover_known_hosts.lock'))).toEqual([]);
  }, 120_000);
});

describe('line endings', () => {
  it('a known_hosts mixing CRLF and LF keeps each line as it was, through add, replace and remove', async () => {
    const [a, b, c, d] = [ed25519(), ed25519(), ed25519(), ed25519()];
    const file = path.join(dir, 'mixed');
    const before = `# from Windows\r\none.example,two.example ${a}\r\nthree.example ${b}\n# unix comment\nfour.example ${c}`;
    await fs.writeFile(file, before);
    await addHostKey(file, 'five.example', 22, d);
    expect(await fs.readFile(file, 'latin1')).toBe(`${before}\nfive.example ${d}\n`);
    await replaceHostKey(file, 'two.example', 22, d);
    expect(await fs.readFile(file, 'latin1')).toBe(`# from Windows\r\none.example ${a}\r\nthree.example ${b}\n# unix comment\nfour.example ${c}\nfive.example ${d}\ntwo.example ${d}\n`);
    await removeHostKey(file, 'three.example', 22);
    expect(await fs.readFile(file, 'latin1')).toBe(`# from Windows\r\none.example ${a}\r\n# unix comment\nfour.example ${c}\nfive.example ${d}\ntwo.example ${d}\n`);
    // A file mostly in CRLF gives new lines CRLF.
    const crlf = path.join(dir, 'crlf');
    await fs.writeFile(crlf, `x.example ${a}\r\ny.example ${b}\r\nz.example ${c}\n`);
    await addHostKey(crlf, 'w.example', 22, d);
    expect(await fs.readFile(crlf, 'latin1')).toBe(`x.example ${a}\r\ny.example ${b}\r\nz.example ${c}\nw.example ${d}\r\n`);
  });
});

describe('symlinks', () => {
  it('a symlinked known_hosts is written at its target and stays a link (relative, dangling, and a loop refused)', async () => {
    const k = ed25519();
    await fs.mkdir(path.join(dir, 'dotfiles'), { recursive: true });
    const target = path.join(dir, 'dotfiles', 'known_hosts');
    await fs.writeFile(target, '# kept in git\n');
    const link = path.join(dir, 'link_known_hosts');
    await fs.symlink('dotfiles/known_hosts', link);
    const w = await addHostKey(link, 'sym.example', 22, k);
    expect((await fs.lstat(link)).isSymbolicLink()).toBe(true);
    expect(await fs.readlink(link)).toBe('dotfiles/known_hosts');
    expect(await fs.readFile(target, 'latin1')).toBe(`# kept in git\nsym.example ${k}\n`);
    expect(w).toMatchObject({ path: target, backupPath: `${target}.bak` });
    expect(await fs.readFile(`${target}.bak`, 'latin1')).toBe('# kept in git\n');

    const dangling = path.join(dir, 'dangling');
    await fs.symlink(path.join(dir, 'dotfiles', 'new_known_hosts'), dangling);
    await addHostKey(dangling, 'new.example', 22, k);
    expect((await fs.lstat(dangling)).isSymbolicLink()).toBe(true);
    expect(await fs.readFile(path.join(dir, 'dotfiles', 'new_known_hosts'), 'latin1')).toBe(`new.example ${k}\n`);

    const loop = path.join(dir, 'loop');
    await fs.symlink('loop', loop);
    const err = await addHostKey(loop, 'x.example', 22, k).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(FileWriteError);
    expect((err as Error).message).toMatch(/loop could not be written.*symbolic links/);
  });
});

describe('backups and temporary files', () => {
  it('the .bak is replaced by a rename: a reader holding the old backup keeps it whole', async () => {
    const file = path.join(dir, 'bak_known_hosts');
    await fs.writeFile(file, '# version 1\n');
    await fs.writeFile(`${file}.bak`, '# the previous backup\n');
    // Another name for the old backup's bytes: written in place, it would change under us.
    await fs.link(`${file}.bak`, path.join(dir, 'old-backup-reader'));
    await addHostKey(file, 'bak.example', 22, ed25519());
    expect(await fs.readFile(`${file}.bak`, 'latin1')).toBe('# version 1\n');
    expect(await fs.readFile(path.join(dir, 'old-backup-reader'), 'latin1')).toBe('# the previous backup\n');
  });

  it('temporary files of writers that died are removed by the next write; a live writer’s are left alone', async () => {
    const file = path.join(dir, 'tmp_known_hosts');
    await fs.writeFile(file, '');
    const dead = spawnSync(process.execPath, ['-e', '0']).pid!;
    const stale = [`.tmp_known_hosts.${dead}.0123456789ab.tmp`, `.tmp_known_hosts.bak.${dead}.ba9876543210.tmp`];
    const live = `.tmp_known_hosts.${process.pid}.aaaaaaaaaaaa.tmp`;
    const unrelated = `.tmp_known_hosts.${dead}.notours.tmp`;
    for (const f of [...stale, live, unrelated]) await fs.writeFile(path.join(dir, f), 'half a wri');
    await addHostKey(file, 'tmp.example', 22, ed25519());
    const left = await fs.readdir(dir);
    for (const f of stale) expect(left).not.toContain(f);
    expect(left).toContain(live);
    expect(left).toContain(unrelated);
    expect(await removeStaleTemporaryFiles(file)).toEqual([]);
  });

  it('kill -9 at random moments: the file and its .bak are always whole, and the leftovers are cleaned by the next write', async () => {
    const key = ed25519();
    const file = path.join(dir, 'killed_known_hosts');
    // About 4 MB of other hosts, so a write takes long enough to be interrupted.
    const filler = Array.from({ length: 30_000 }, (_, i) => `host-${i}.example.net ${key}`).join('\n');
    const before = `# mine\r\n${filler}\n`;
    const added = `${before}[victim.example]:2222 ${key}\n`;
    await fs.writeFile(file, before);
    const go = path.join(dir, 'go-kill');
    await fs.writeFile(go, '');
    let leftoversSeen = 0;
    for (let round = 0; round < 4; round++) {
      const c = child([go, 'toggle', file, 'victim.example', '2222', key]);
      const atTmp = round % 2 === 0;
      await new Promise<void>((resolve) => {
        const watcher = watch(dir, (_e, name) => {
          if (atTmp && name && /^\.killed_known_hosts\.(bak\.)?\d+\.[0-9a-f]{12}\.tmp$/.test(String(name))) {
            c.kill('SIGKILL');
            watcher.close();
            resolve();
          }
        });
        c.stdout!.on('data', () => {
          if (!atTmp && /write [2-9]/.test(c.out())) {
            setTimeout(() => c.kill('SIGKILL'), Math.floor(Math.random() * 30));
            watcher.close();
            resolve();
          }
        });
        void c.done.then(() => {
          watcher.close();
          resolve();
        });
      });
      await c.done;
      const now = await fs.readFile(file, 'latin1');
      expect(now === before || now === added).toBe(true);
      const bak = await fs.readFile(`${file}.bak`, 'latin1').catch(() => null);
      if (bak !== null) expect(bak === before || bak === added).toBe(true);
      if ((await fs.readdir(dir)).some((f) => f.startsWith('.killed_known_hosts.'))) leftoversSeen++;
    }
    // The next write (after the killed writer's lock has gone stale) removes what they left.
    await addHostKey(file, 'after.example', 22, key);
    expect((await fs.readdir(dir)).filter((f) => f.startsWith('.killed_known_hosts.'))).toEqual([]);
    expect(leftoversSeen).toBeGreaterThan(0);
  }, 90_000);
});

describe('a folder that cannot be written', () => {
  it('says which file, where, and what to do; the file is left as it was', async () => {
    const file = path.join(dir, 'not-a-folder', 'known_hosts');
    await fs.writeFile(path.join(dir, 'not-a-folder'), 'a file where a folder should be');
    const err = await writeFileAtomic(file, 'x').catch((e: unknown) => e);
    expect(err).toBeInstanceOf(FileWriteError);
    expect((err as FileWriteError).message).toMatch(/known_hosts could not be written: part of its path is not a folder/);
  });
});
