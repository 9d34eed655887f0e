/**
 * A start folder the server refuses, against a real OpenSSH sshd: the diagnosis names the folder,
 * its owner and mode and those of the folder above it as the server reports them, and whether the
 * account is chrooted (ChrootDirectory + ForceCommand internal-sftp).
 */
import { promises as fs } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ConnectionRequest, RunResult } from '../../shared/types';
import { setupAccount, sshdAvailable, startSshd, type SshdServer } from '../../e2e/harness/index';
import { diagnose } from './index';

const sshd = sshdAvailable();
const PW = 'Pw-16-folder-access';
let server: SshdServer;
/** Under /run (root, 755): a chroot path must belong to root and be writable by nobody else, all the way up. */
let base: string;
let knownHosts: string;

async function run(request: Partial<ConnectionRequest>): Promise<RunResult> {
  return diagnose({ protocol: 'sftp', host: server.host, port: server.port, user: 'nobody', timeoutMs: 8000, writeTest: false, ...request }, { defaultKnownHostsPath: knownHosts, agentSocket: '' });
}

const evidence = (r: RunResult, label: string | RegExp) => r.diagnosis.evidence.find((e) => (typeof label === 'string' ? e.label === label : label.test(e.label)))?.value ?? '';

describe.skipIf(!sshd.ok)('a refused start folder, seen from the same session', () => {
  beforeAll(async () => {
    base = await fs.mkdtemp('/run/sd16-folders-');
    await fs.chmod(base, 0o755);
    knownHosts = path.join(base, 'known_hosts');
    const plain = await setupAccount({ name: 'sd16folder', password: PW });
    const jailed = await setupAccount({ name: 'sd16jail', password: PW });
    // Outside any chroot: a root-only folder with a folder inside, and the user's own folder it cannot read.
    await fs.mkdir(path.join(base, 'closed', 'inner'), { recursive: true });
    await fs.chmod(path.join(base, 'closed'), 0o700);
    await fs.mkdir(path.join(base, 'mine'));
    await fs.chown(path.join(base, 'mine'), plain.uid, plain.uid);
    await fs.chmod(path.join(base, 'mine'), 0o300);
    // The chroot: root's, 755, with a root-only folder and an upload folder of the account.
    const jail = path.join(base, 'jail');
    await fs.mkdir(path.join(jail, 'private'), { recursive: true });
    await fs.chmod(jail, 0o755);
    await fs.chmod(path.join(jail, 'private'), 0o700);
    await fs.mkdir(path.join(jail, 'upload'));
    await fs.chown(path.join(jail, 'upload'), jailed.uid, jailed.uid);
    server = await startSshd({ extraConfig: `Match User sd16jail\n  ChrootDirectory ${jail}\n  ForceCommand internal-sftp\n` });
    await fs.writeFile(knownHosts, server.hostKeys.map((k) => `[${server.host}]:${server.port} ${k.publicKey}\n`).join(''));
  });

  afterAll(async () => {
    await server?.stop();
    if (base) await fs.rm(base, { recursive: true, force: true });
  });

  it('a root-only folder: its owner, mode and the folder above it; not chrooted', async () => {
    const r = await run({ user: 'sd16folder', password: PW, startPath: '/root' });
    expect(r.diagnosis.code).toBe('SFTP_PERMISSION_DENIED');
    expect(r.diagnosis.title).toContain('/root');
    expect(evidence(r, 'The folder, as the server reports it')).toMatch(/^drwx------ \(700\), owner root \(0\), group root \(0\)$/);
    expect(evidence(r, 'The folder above it (/)')).toMatch(/^drwxr-xr-x \(755\), owner 0, group 0$/);
    expect(evidence(r, 'Locked in a folder of its own (chroot)')).toMatch(/^no: .*etc/);
    expect(evidence(r, 'Your account')).toMatch(/^uid \d+ \(the owner of your home folder \/home\/sd16folder\)$/);
    expect(evidence(r, 'What this looks like')).toMatch(/belongs to root and its mode drwx------ \(700\) does not let other accounts list it/);
  });

  it('a folder inside a folder the account may not pass through; and its own folder without read permission', async () => {
    const inner = path.join(base, 'closed', 'inner');
    const r = await run({ user: 'sd16folder', password: PW, startPath: inner });
    expect(r.diagnosis.code).toBe('SFTP_PERMISSION_DENIED');
    expect(evidence(r, 'The folder, as the server reports it')).toMatch(/could not be looked at: permission denied/);
    expect(evidence(r, `The folder above it (${path.join(base, 'closed')})`)).toMatch(/^drwx------ \(700\), owner 0, group 0$/);
    expect(evidence(r, 'What this looks like')).toContain(`may not pass through the folder above it, ${path.join(base, 'closed')}`);

    const own = await run({ user: 'sd16folder', password: PW, startPath: path.join(base, 'mine') });
    expect(own.diagnosis.code).toBe('SFTP_PERMISSION_DENIED');
    expect(evidence(own, 'The folder, as the server reports it')).toMatch(/^d-wx------ \(300\), owner sd16folder \(\d+\)/);
    expect(evidence(own, 'What this looks like')).toMatch(/belongs to your account, but its mode d-wx------ \(300\) takes away your own read/);
  });

  it('chrooted (ChrootDirectory + internal-sftp): a root-only folder, and a path of the whole server that does not exist inside', async () => {
    const r = await run({ user: 'sd16jail', password: PW, startPath: '/private' });
    expect(r.diagnosis.code).toBe('SFTP_PERMISSION_DENIED');
    expect(evidence(r, 'Locked in a folder of its own (chroot)')).toMatch(/^yes: .*holds only: .*private/);
    expect(evidence(r, 'Locked in a folder of its own (chroot)')).toContain('upload');
    expect(evidence(r, 'The folder, as the server reports it')).toMatch(/^drwx------ \(700\), owner (root \()?0\)?,/);
    expect(evidence(r, 'What this looks like')).toMatch(/belongs to root and its mode drwx------ \(700\)/);

    const full = await run({ user: 'sd16jail', password: PW, startPath: '/home/sd16jail/upload' });
    expect(full.diagnosis.code).toBe('SFTP_PERMISSION_DENIED');
    expect(evidence(full, 'Server answer')).toMatch(/^does not exist/);
    expect(evidence(full, 'What this looks like')).toMatch(/locked in a folder of its own \(chroot\)/);
    expect(evidence(full, 'Locked in a folder of its own (chroot)')).toMatch(/^yes/);
  });
});

