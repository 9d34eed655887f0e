/**
 * A login for server-side fixes: one ssh2 connection to the server of the attempt, accepted only
 * when the server's key is recorded as trusted in the known_hosts file (as the engine checks it),
 * then SFTP or a command channel. Secrets go to ssh2 only; nothing here logs them.
 */
import net from 'node:net';
import { Client, type ClientChannel, type ConnectConfig, type SFTPWrapper, type Stats } from 'ssh2';
import { clientAlgorithms, ssh2AlgorithmOption } from '../diagnose/index';
import { Secret } from '../common/secret';
import { loadPrivateKeyForSsh, readKeySource } from '../keys/index';
import { blobKeyType, checkHostKey, knownKeyTypes, readKnownHosts } from '../store/known-hosts';
import { knownHostsFileOf, targetOf } from './common';
import { RepairError, type RepairContext } from './types';
import { timeoutOf } from '../../shared/defaults';

export interface LoginOptions {
  /** SECRET. Password for password and keyboard-interactive logins. */
  password?: string;
  /** Also use the attempt's private key (when it is known to work, e.g. after an SFTP-level failure). */
  useKey?: boolean;
  /** SECRET. Answer for a server asking to change an expired password. */
  newPassword?: string;
}

export interface RemoteSession {
  client: Client;
  /** The server asked for a new password and was given one. */
  passwordChanged: boolean;
  /** Texts the server showed while changing the password (e.g. why it refused one). */
  serverMessages: string[];
  close(): void;
}

const MAX_NEW_PASSWORD_ROUNDS = 2;

/** Logs in to the attempt's server. Refuses servers whose key is not trusted. */
export async function login(ctx: RepairContext, opts: LoginOptions): Promise<RemoteSession> {
  const { host, port } = targetOf(ctx);
  const address = ctx.result.facts.tcp?.address ?? host;
  const file = knownHostsFileOf(ctx);
  const known = await readKnownHosts(file);
  const timeoutMs = ctx.timeoutMs ?? timeoutOf(ctx.request);
  const config: ConnectConfig = {
    username: ctx.request.user,
    readyTimeout: timeoutMs,
    tryKeyboard: opts.password !== undefined,
    // The same offer the engine makes: ssh2's defaults plus the weak algorithms this site allows.
    // With "auto", the weak algorithms the diagnosis chose from this server's offer.
    algorithms: ssh2AlgorithmOption(clientAlgorithms([...(ctx.request.legacyAlgorithms ?? []), ...(ctx.request.legacyAlgorithmsAuto ? (ctx.result.facts.kex?.chosen ?? []).map((c) => c.algorithm) : [])], knownKeyTypes(known, host, port))) as ConnectConfig['algorithms'],
  };
  if (opts.password !== undefined) config.password = opts.password;
  if (opts.useKey && ctx.request.privateKey) {
    const k = ctx.request.privateKey;
    const bytes = (await readKeySource(k))?.bytes ?? Buffer.alloc(0);
    config.privateKey = (await loadPrivateKeyForSsh(bytes, Secret.from(ctx.request.passphrase) ?? null, k.path)).privateKey;
  }
  // An expired password is changed through PAM's keyboard-interactive questions: ask that way first then.
  const passwordMethods = opts.newPassword ? ['keyboard-interactive', 'password'] : ['password', 'keyboard-interactive'];
  config.authHandler = [...(config.privateKey ? ['publickey'] : []), ...(config.password !== undefined ? passwordMethods : [])] as never;
  if (config.password === undefined && config.privateKey === undefined) {
    throw new RepairError('NEEDS_INPUT', 'This fix has to log in to the server to make the change: give the account\'s password (it is used for this change only).');
  }

  let untrusted: string | null = null;
  config.hostVerifier = (key: Buffer) => {
    const type = blobKeyType(key) ?? 'unknown';
    const status = checkHostKey(known, host, port, type, key.toString('base64'), []).status;
    if (status !== 'trusted') untrusted = status;
    return status === 'trusted';
  };

  const socket = net.connect({ host: address, port });
  socket.setNoDelay(true);
  const client = new Client();
  const session: RemoteSession = { client, passwordChanged: false, serverMessages: [], close: () => client.end() };
  let newPasswordRounds = 0;

  client.on('keyboard-interactive', (_name, instructions, _lang, prompts, finish) => {
    if (instructions) session.serverMessages.push(instructions);
    const answers = prompts.map((p) => {
      if (/current|old/i.test(p.prompt)) return opts.password ?? '';
      if (/new|retype|again|repeat|confirm/i.test(p.prompt)) {
        if (!opts.newPassword) return '';
        if (/^new/i.test(p.prompt.trim()) && ++newPasswordRounds > MAX_NEW_PASSWORD_ROUNDS) return '';
        session.passwordChanged = true;
        return opts.newPassword;
      }
      return opts.password ?? '';
    });
    finish(answers);
  });
  client.on('change password', (message, done) => {
    if (message) session.serverMessages.push(message);
    if (!opts.newPassword || ++newPasswordRounds > MAX_NEW_PASSWORD_ROUNDS) {
      client.end();
      return;
    }
    session.passwordChanged = true;
    done(opts.newPassword);
  });

  await new Promise<void>((resolve, reject) => {
    const fail = (err: Error & { level?: string }) => {
      socket.destroy();
      if (untrusted) {
        reject(new RepairError('REFUSED', `The server's key is ${untrusted === 'unknown' ? 'not trusted yet' : untrusted === 'changed' ? 'not the one recorded' : 'revoked'} in ${file}, so we did not log in to change anything. Trust the server's key first (after comparing its fingerprint), then try again.`));
      } else if (err.level === 'client-authentication') {
        reject(new RepairError('REFUSED', `The server did not accept the login for "${ctx.request.user}"${session.serverMessages.length ? ` (it said: ${session.serverMessages.join(' ').slice(0, 300)})` : ''}. Check the password, then try again. Nothing was changed.`));
      } else if (err.level === 'client-timeout') {
        reject(new RepairError('FAILED', `The server did not finish the login within ${Math.round(timeoutMs / 1000)} s. Nothing was changed; try again.`));
      } else {
        reject(new RepairError('FAILED', `The connection for the change failed: ${err.message}. Nothing was changed; try again.`));
      }
    };
    client.once('ready', () => {
      client.off('error', fail);
      client.on('error', () => undefined);
      resolve();
    });
    client.once('error', fail);
    socket.once('error', (err) => fail(err));
    client.connect({ ...config, sock: socket });
  });
  return session;
}

// ---------------------------------------------------------------------------------------------
// SFTP helpers (promises, bounded reads).

export function openSftp(client: Client): Promise<SFTPWrapper> {
  return new Promise((resolve, reject) => client.sftp((err, sftp) => (err ? reject(new RepairError('FAILED', `The server did not open an SFTP session (${err.message}). Nothing was changed.`)) : resolve(sftp))));
}

export function sftpCall<T>(fn: (cb: (err: Error | null | undefined, value?: T) => void) => void): Promise<T> {
  return new Promise((resolve, reject) => fn((err, value) => (err ? reject(err) : resolve(value as T))));
}

/** An SFTP call that returns nothing but may fail. */
export function sftpDo(fn: (cb: (err?: Error | null) => void) => void): Promise<undefined> {
  return new Promise((resolve, reject) => fn((err) => (err ? reject(err) : resolve(undefined))));
}

export async function statOrNull(sftp: SFTPWrapper, p: string): Promise<Stats | null> {
  try {
    return await sftpCall<Stats>((cb) => sftp.stat(p, cb));
  } catch (err) {
    if ((err as { code?: number }).code === 2) return null; // SSH_FX_NO_SUCH_FILE
    throw err;
  }
}

export const MAX_REMOTE_FILE = 1024 * 1024;

export async function readRemote(sftp: SFTPWrapper, p: string): Promise<Buffer> {
  const st = await sftpCall<Stats>((cb) => sftp.stat(p, cb));
  if (st.size > MAX_REMOTE_FILE) throw new RepairError('REFUSED', `${p} on the server is ${st.size} bytes, far larger than such a file should be; it was left alone. Ask the administrator to look at it.`);
  return sftpCall<Buffer>((cb) => sftp.readFile(p, cb));
}

export async function writeRemote(sftp: SFTPWrapper, p: string, data: Buffer, mode: number): Promise<void> {
  await sftpDo((cb) => sftp.writeFile(p, data, { mode }, cb));
  await sftpDo((cb) => sftp.chmod(p, mode, cb));
}

/** Replaces `to` with `from` in one step where the server allows it (OpenSSH's posix-rename). */
export async function replaceRemote(sftp: SFTPWrapper, from: string, to: string): Promise<void> {
  try {
    await sftpDo((cb) => sftp.ext_openssh_rename(from, to, cb));
  } catch {
    await sftpDo((cb) => sftp.unlink(to, cb)).catch(() => undefined);
    await sftpDo((cb) => sftp.rename(from, to, cb));
  }
}

// ---------------------------------------------------------------------------------------------
// A command channel (for start-up files, where SFTP itself is what is broken).

export interface ExecResult {
  stdout: string;
  stderr: string;
  code: number | null;
}

const MAX_EXEC_OUTPUT = 256 * 1024;

export function execRemote(client: Client, command: string, stdin: Buffer | null, timeoutMs: number): Promise<ExecResult> {
  return new Promise((resolve, reject) => {
    client.exec(command, (err, channel: ClientChannel) => {
      if (err) return reject(new RepairError('FAILED', `The server refused to run a command (${err.message}). Nothing was changed.`));
      let stdout = '';
      let stderr = '';
      const timer = setTimeout(() => {
        channel.close();
        reject(new RepairError('FAILED', 'The command on the server did not finish in time. Check the start-up file by hand.'));
      }, timeoutMs);
      channel.on('data', (d: Buffer) => {
        if (stdout.length < MAX_EXEC_OUTPUT) stdout += d.toString('utf8');
      });
      channel.stderr.on('data', (d: Buffer) => {
        if (stderr.length < MAX_EXEC_OUTPUT) stderr += d.toString('utf8');
      });
      channel.on('exit', () => undefined);
      let code: number | null = null;
      channel.on('exit', (c: number | null) => (code = c));
      channel.on('close', () => {
        clearTimeout(timer);
        resolve({ stdout, stderr, code });
      });
      if (stdin) channel.end(stdin);
      else channel.end();
    });
  });
}

/** How `passwd` and the session around it say the change went through. */
const CHANGED_TEXT = /password updated successfully|all authentication tokens updated successfully|password changed/i;
const CURRENT_PROMPT = /(current|old)[^\n]*password[^\n]*:\s*$/i;
const NEW_PROMPT = /(new|retype|again|repeat)[^\n]*password[^\n]*:\s*$/i;
/** Prompts answered at most (current, new, retype, and one more round if the server asks again). */
const MAX_SESSION_PROMPTS = 5;

/**
 * Changes an expired password the way sshd asks for it once logged in without PAM: the session
 * runs `passwd` on a terminal. Answers its questions (the current password, the new one twice),
 * bounded in output, prompts and time; true when `passwd` says it changed the password.
 */
export function changePasswordInSession(client: Client, current: string, next: string, timeoutMs: number): Promise<{ changed: boolean; said: string }> {
  return new Promise((resolve, reject) => {
    client.shell({ term: 'dumb', rows: 24, cols: 200 }, (err, channel: ClientChannel) => {
      if (err) return reject(new RepairError('FAILED', `The server refused a terminal session (${err.message}), so the password could not be changed there. Nothing was changed.`));
      let out = '';
      let from = 0;
      let answered = 0;
      const timer = setTimeout(() => channel.close(), timeoutMs);
      const onData = (d: Buffer) => {
        if (out.length >= MAX_EXEC_OUTPUT) return;
        out += d.toString('utf8');
        const tail = out.slice(from);
        const answer = CURRENT_PROMPT.test(tail) ? current : NEW_PROMPT.test(tail) ? next : null;
        if (answer === null) return;
        from = out.length;
        if (++answered > MAX_SESSION_PROMPTS) return void channel.close();
        channel.write(`${answer}\n`);
      };
      channel.on('data', onData);
      channel.stderr.on('data', onData);
      channel.on('close', () => {
        clearTimeout(timer);
        // What the server said, without the echo of what we typed (a terminal may echo it).
        const said = out.split(current).join('').split(next).join('').replace(/\r/g, '').trim().slice(-300);
        resolve({ changed: CHANGED_TEXT.test(out), said });
      });
    });
  });
}
