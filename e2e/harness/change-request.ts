import { spawn } from 'node:child_process';
import { promises as fs } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Server, utils as sshUtils, type Connection } from 'ssh2';
import { freeLoopbackAddress, freePort } from './addresses';

/**
 * An SSH server that asks for a new password with SSH_MSG_USERAUTH_PASSWD_CHANGEREQ (RFC 4252
 * section 8). Neither OpenSSH nor Dropbear ever sends that message (OpenSSH changes an expired
 * password through PAM's questions, or runs passwd in the session), but other servers do; so this
 * is ssh2's Server for the login only. Once logged in, SFTP is OpenSSH's own sftp-server, started
 * in a folder of its own, so a check reaches OK for real.
 */
export interface ChangeRequestServer {
  host: string;
  port: number;
  /** The host key as a public key line, for known_hosts. */
  publicKey: string;
  /** The new passwords the clients sent in answer to the change request. */
  received: string[];
  /** Makes `password` the account's one password, expired again (asks for a change at the next login). */
  expire(password: string): void;
  stop(): Promise<void>;
}

const SFTP_SERVER = '/usr/lib/openssh/sftp-server';

export async function startChangeRequestServer(user: string): Promise<ChangeRequestServer> {
  const hostKey = sshUtils.generateKeyPairSync('ed25519');
  const host = freeLoopbackAddress();
  const port = await freePort(host);
  const folder = await fs.mkdtemp(path.join(os.tmpdir(), 'changereq-'));
  const state = { password: '', expired: true };
  const received: string[] = [];
  const children = new Set<ReturnType<typeof spawn>>();
  const server = new Server({ hostKeys: [hostKey.private] }, (client: Connection) => {
    client.on('error', () => undefined);
    client.on('authentication', (ctx) => {
      if (ctx.method !== 'password' || ctx.username !== user || ctx.password !== state.password) return ctx.reject(['password']);
      if (!state.expired) return ctx.accept();
      ctx.requestChange('Your password has expired; choose a new one', (next) => {
        received.push(next);
        if (next.length < 8 || next === state.password) return ctx.reject(['password']);
        state.password = next;
        state.expired = false;
        ctx.accept();
      });
    });
    client.on('ready', () => {
      client.on('session', (accept) => {
        const session = accept();
        session.on('exec', (_accept, reject) => reject());
        session.on('shell', (_accept, reject) => reject());
        session.on('subsystem', (acceptSub, reject, info) => {
          if (info.name !== 'sftp') return reject();
          const channel = acceptSub();
          const child = spawn(SFTP_SERVER, [], { cwd: folder, stdio: ['pipe', 'pipe', 'ignore'] });
          children.add(child);
          channel.pipe(child.stdin);
          child.stdout.pipe(channel);
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
  await new Promise<void>((r) => server.listen(port, host, r));
  const pub = sshUtils.parseKey(hostKey.public);
  if (pub instanceof Error) throw pub;
  return {
    host,
    port,
    publicKey: `ssh-ed25519 ${pub.getPublicSSH().toString('base64')}`,
    received,
    expire(password) {
      state.password = password;
      state.expired = true;
    },
    async stop() {
      for (const c of children) c.kill();
      await new Promise<void>((r) => server.close(() => r()));
      await fs.rm(folder, { recursive: true, force: true });
    },
  };
}
