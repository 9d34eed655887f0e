import type { Client } from 'ssh2';
import type { Facts, ServerKeyCheck } from '../../../shared/types';
import type { PhaseModule, PhaseOutcome, RunContext } from '../context';
import { checkScp, runExec } from '../exec';
import { lookAtFolder } from '../folder-look';
import { lengthAsText, printable, SftpClosedError, SftpStatusError, SftpWire, type SftpNameEntry } from '../sftp-wire';

type SftpFacts = NonNullable<Facts['sftp']>;

/** After text arrived instead of SFTP, how long we still wait for the real SFTP greeting. */
const TEXT_GRACE_MS = 400;
/** After the session ended, how long we wait for its last words (exit status, error output). */
const CLOSE_GRACE_MS = 300;
const MAX_BATCHES = 200;
/** Names of the start folder kept for the write test (leftovers, writable subfolders). */
const MAX_NAMES_KEPT = 5000;
const MARKER = '__SFTP_DOCTOR_SHELL__';

/**
 * Opens the "sftp" subsystem and wraps it in our wire inside ssh2's callback, before the event
 * loop turns: a session that ends at once (/bin/false, a missing ForceCommand) often sends its
 * exit status in the same read as the subsystem's "success" reply, and ssh2 emits 'exit' once,
 * right then, to whoever listens.
 */
function openSubsystem(client: Client, timeoutMs: number, signal: AbortSignal): Promise<{ wire: SftpWire } | { error: string; refused: boolean }> {
  return new Promise((resolve) => {
    let settled = false;
    const finish = (r: { wire: SftpWire } | { error: string; refused: boolean }) => {
      if (settled) {
        if ('wire' in r) r.wire.channel.close();
        return;
      }
      settled = true;
      clearTimeout(timer);
      signal.removeEventListener('abort', onAbort);
      resolve(r);
    };
    const onAbort = () => finish({ error: 'no answer in time', refused: false });
    const timer = setTimeout(onAbort, Math.max(1, timeoutMs));
    signal.addEventListener('abort', onAbort, { once: true });
    try {
      client.subsys('sftp', (err, channel) => {
        if (err) return finish({ error: err.message, refused: /Unable to start subsystem/i.test(err.message) });
        finish({ wire: new SftpWire(channel) });
      });
    } catch (err) {
      finish({ error: (err as Error).message, refused: false });
    }
  });
}

/** Waits until check() is true, the time is up or the run aborts. */
function until(wire: SftpWire, check: () => boolean, ms: number, signal: AbortSignal, extra?: (poke: () => void) => () => void): Promise<boolean> {
  return new Promise((resolve) => {
    let done = false;
    const finish = (v: boolean) => {
      if (done) return;
      done = true;
      clearTimeout(timer);
      unwatch();
      unextra?.();
      signal.removeEventListener('abort', onAbort);
      resolve(v);
    };
    const evaluate = () => {
      if (check()) finish(true);
    };
    const onAbort = () => finish(false);
    const timer = setTimeout(() => finish(check()), Math.max(0, ms));
    const unwatch = wire.watch(evaluate);
    const unextra = extra?.(evaluate);
    signal.addEventListener('abort', onAbort, { once: true });
    evaluate();
  });
}

/** A promise's value, or undefined once the time is up or the run aborts. */
function within<T>(p: Promise<T>, ms: number, signal: AbortSignal): Promise<T | undefined> {
  return new Promise((resolve) => {
    const done = (v: T | undefined) => {
      clearTimeout(timer);
      signal.removeEventListener('abort', onAbort);
      resolve(v);
    };
    const onAbort = () => done(undefined);
    const timer = setTimeout(onAbort, Math.max(1, ms));
    signal.addEventListener('abort', onAbort, { once: true });
    p.then(done, () => done(undefined));
  });
}

function joinPath(dir: string, name: string): string {
  return `${dir.replace(/\/+$/, '')}/${name}`;
}

const octal = (mode: number) => (mode & 0o7777).toString(8).padStart(3, '0');

/**
 * The key was refused but a password got in: look at the server side the way sshd's StrictModes
 * does (home, ~/.ssh, authorized_keys: owner and who may write) and whether the key is listed.
 */
async function inspectAuthorizedKeys(wire: SftpWire, publicKey: string | null | undefined): Promise<ServerKeyCheck> {
  const problems: string[] = [];
  const check: ServerKeyCheck = { problems };
  try {
    const home = await wire.realpath('.');
    const h = await wire.lstat(home);
    check.home = { path: home, mode: (h.mode ?? 0) & 0o7777, uid: h.uid ?? -1 };
    check.userUid = h.uid ?? -1;
    const uid = check.userUid;
    const ownerOk = (u: number | undefined) => u === uid || u === 0;
    if ((h.mode ?? 0) & 0o022) problems.push(`Your home folder ${home} can be changed by other users (mode ${octal(h.mode ?? 0)}); SSH then ignores your authorized_keys. It should be 755 or stricter.`);
    const sshDir = joinPath(home, '.ssh');
    const d = await wire.lstat(sshDir).catch((e: unknown) => (e instanceof SftpStatusError && e.code === 2 ? null : Promise.reject(e)));
    check.sshDir = d ? { mode: (d.mode ?? 0) & 0o7777, uid: d.uid ?? -1 } : null;
    if (!d) {
      problems.push('There is no ~/.ssh folder on the server, so no key is allowed for this account.');
      check.authorizedKeys = null;
      check.keyListed = false;
      return check;
    }
    if (!ownerOk(d.uid)) problems.push(`~/.ssh belongs to another user (uid ${d.uid}); it must belong to you.`);
    if ((d.mode ?? 0) & 0o022) problems.push(`~/.ssh can be changed by other users (mode ${octal(d.mode ?? 0)}); it should be 700.`);
    const akPath = joinPath(sshDir, 'authorized_keys');
    const a = await wire.lstat(akPath).catch((e: unknown) => (e instanceof SftpStatusError && e.code === 2 ? null : Promise.reject(e)));
    check.authorizedKeys = a ? { mode: (a.mode ?? 0) & 0o7777, uid: a.uid ?? -1, size: a.size ?? 0 } : null;
    if (!a) {
      problems.push('There is no ~/.ssh/authorized_keys file on the server.');
      check.keyListed = false;
      return check;
    }
    if (!ownerOk(a.uid)) problems.push(`~/.ssh/authorized_keys belongs to another user (uid ${a.uid}); it must belong to you.`);
    if ((a.mode ?? 0) & 0o022) problems.push(`~/.ssh/authorized_keys can be changed by other users (mode ${octal(a.mode ?? 0)}); it should be 600.`);
    if (publicKey) {
      const b64 = publicKey.split(/\s+/)[1] ?? '';
      try {
        const text = (await wire.readFile(akPath, 512 * 1024)).toString('utf8');
        check.keyListed = b64.length > 0 && text.split(/\r?\n/).some((line) => line.split(/\s+/).includes(b64));
        if (!check.keyListed) problems.push('Your key is not listed in ~/.ssh/authorized_keys.');
      } catch (e) {
        check.error = `authorized_keys could not be read: ${(e as Error).message}`;
      }
    }
  } catch (e) {
    check.error = (e as Error).message;
  }
  return check;
}

interface ShellReport {
  /** What came before our marker (or everything, when the marker never came). */
  output: string;
  shell?: string;
  /** Our command ran (its marker came back): false means something else runs in its place. */
  ran: boolean;
  stderr: string;
  code: number | null;
}

/**
 * The account's shell and what it prints for a plain command (over exec, bounded). The marker
 * tells a login script (text, then our marker) from a forced command or a restricted shell
 * (their own text, and our command never runs).
 */
async function shellReport(client: Client, ctx: RunContext): Promise<ShellReport | null> {
  const r = await runExec(client, `echo ${MARKER} "$SHELL"`, {
    timeoutMs: Math.min(1500, ctx.remaining()),
    maxBytes: 8192,
    signal: ctx.signal,
    onStdout: (all, ch) => {
      // Our marker line is complete: nothing more to learn.
      const at = all.indexOf(MARKER);
      if (at >= 0 && all.indexOf(10, at) > 0) ch.close();
    },
  });
  if (r.error) return null;
  const text = r.stdout.toString('utf8');
  const at = text.indexOf(MARKER);
  const before = at >= 0 ? text.slice(0, at) : text;
  const shell = at >= 0 ? text.slice(at + MARKER.length).trim().split(/\s+/)[0] : undefined;
  return { output: printable(Buffer.from(before, 'utf8')), ...(shell ? { shell } : {}), ran: at >= 0, stderr: printable(Buffer.from(r.stderr, 'utf8'), 2000).trim(), code: r.code };
}

function addShellReport(sftp: SftpFacts, shell: ShellReport | null): void {
  if (!shell) return;
  if (shell.output.trim()) sftp.shellOutput = shell.output;
  if (shell.shell) sftp.shell = shell.shell;
  sftp.commandRan = shell.ran;
  if (shell.stderr) sftp.execStderr = shell.stderr;
  if (shell.code !== null) sftp.execExitCode = shell.code;
}

async function scpOnly(ctx: RunContext, client: Client): Promise<PhaseOutcome> {
  const scp = await checkScp(client, Math.min(3000, ctx.remaining()), ctx.signal);
  const sftp: SftpFacts = { stage: 'scp', scp: { works: scp.works, detail: scp.detail } };
  if (scp.works) return { status: 'ok', detail: 'SCP works (scp answered and is ready)', facts: { sftp } };
  if (scp.output) {
    sftp.output = printable(Buffer.from(scp.output, 'utf8'));
    addShellReport(sftp, await shellReport(client, ctx));
  }
  return { status: 'fail', detail: `SCP does not work: ${scp.detail}`, facts: { sftp }, stop: true };
}

export const sftpPhase: PhaseModule = {
  phase: 'sftp',
  async run(ctx): Promise<PhaseOutcome> {
    const transport = ctx.link.transport!;
    const client = transport.client;
    if (ctx.request.protocol === 'scp') return scpOnly(ctx, client);

    const opened = await openSubsystem(client, ctx.remaining(), ctx.signal);
    if ('error' in opened) {
      const sftp: SftpFacts = { stage: opened.refused ? 'subsystem' : 'channel', error: opened.error };
      if (opened.refused && !transport.failure) {
        ctx.progress('No SFTP service; checking whether SCP works…');
        const scp = await checkScp(client, Math.min(3000, ctx.remaining()), ctx.signal);
        sftp.scp = { works: scp.works, detail: scp.detail };
        return { status: 'fail', detail: `The server has no SFTP service${scp.works ? '; SCP works' : ''}`, facts: { sftp }, stop: true };
      }
      if (transport.failure) sftp.error = `${opened.error} (connection: ${transport.failure.message})`;
      return { status: 'fail', detail: `The server closed the session: ${opened.error}`, facts: { sftp }, stop: true };
    }

    const { wire } = opened;
    ctx.onCleanup(() => wire.end());
    wire.init();
    const failedTransport = (poke: () => void) => {
      const t = setInterval(poke, 50);
      return () => clearInterval(t);
    };
    // Wait for the SFTP greeting; once text has arrived instead, only a little longer.
    let textSince: number | null = null;
    await until(
      wire,
      () => {
        if (wire.version !== null || wire.closed || wire.protocolError || transport.failure) return true;
        if (wire.leading.length > 0) {
          textSince ??= Date.now();
          return Date.now() - textSince > TEXT_GRACE_MS;
        }
        return false;
      },
      ctx.remaining(),
      ctx.signal,
      failedTransport,
    );
    if (wire.version === null && !wire.closed) await until(wire, () => wire.closed || !!transport.failure, Math.min(CLOSE_GRACE_MS, ctx.remaining()), ctx.signal, failedTransport);

    const sftp: SftpFacts = { stage: 'init' };
    if (wire.version !== null) sftp.version = wire.version;
    if (wire.exitCode !== null) sftp.exitCode = wire.exitCode;
    if (wire.exitSignal !== null) sftp.exitSignal = wire.exitSignal;
    if (wire.stderr.trim()) sftp.stderr = wire.stderr.trim().slice(0, 2000);
    if (wire.leading.length > 0) {
      sftp.output = printable(wire.leading);
      if (wire.bogusLength !== null) sftp.bogusLength = wire.bogusLength;
    }

    if (wire.leading.length > 0) {
      // Text where SFTP was expected. Ask the shell itself what it prints, for the evidence.
      if (!transport.failure) {
        ctx.progress('Text arrived instead of SFTP; asking the shell what it prints…');
        addShellReport(sftp, await shellReport(client, ctx));
      }
      const said = wire.bogusLength !== null ? ` (read as a packet length of ${wire.bogusLength}, which is "${lengthAsText(wire.bogusLength)}")` : '';
      return { status: 'fail', detail: `The server printed text before SFTP could start${said}`, facts: { sftp }, stop: true };
    }
    if (wire.version === null) {
      if (transport.failure) sftp.error = `the connection ended: ${transport.failure.message}`;
      else if (wire.closed) sftp.error = 'the session was closed before SFTP started';
      else sftp.error = wire.protocolError ?? 'no SFTP greeting in time';
      // sshd drops a subsystem's error output: a plain command shows what the account's shell or
      // forced command says instead (git-shell, a menu, a missing program).
      if (!transport.failure) {
        ctx.progress('The session closed; asking the server what it says to a plain command…');
        addShellReport(sftp, await shellReport(client, ctx));
      }
      // Exit status 127: the SFTP server program is missing. SCP may still work, as when the
      // subsystem is refused outright.
      if (wire.exitCode === 127 && !transport.failure && ctx.remaining() > 0) {
        ctx.progress('The SFTP server program is missing; checking whether SCP works…');
        const scp = await checkScp(client, Math.min(3000, ctx.remaining()), ctx.signal);
        sftp.scp = { works: scp.works, detail: scp.detail };
      }
      const how = wire.exitCode !== null ? ` (exit status ${wire.exitCode})` : '';
      return { status: 'fail', detail: `The server closed the session right after login${how}`, facts: { sftp }, stop: true };
    }

    // List the start folder: realpath and opendir go out together (one round trip).
    const path = ctx.request.startPath?.trim() || '.';
    sftp.stage = 'opendir';
    try {
      const [real, handle] = await Promise.all([wire.realpath(path).catch(() => null), wire.opendir(path)]);
      sftp.path = real ?? path;
      sftp.stage = 'readdir';
      let entries = 0;
      const names: SftpNameEntry[] = [];
      for (let i = 0; i < MAX_BATCHES; i++) {
        const batch = await wire.readdir(handle);
        if (!batch) break;
        const real = batch.filter((e) => e.filename !== '.' && e.filename !== '..');
        entries += real.length;
        for (const e of real) if (names.length < MAX_NAMES_KEPT) names.push(e);
      }
      sftp.entries = entries;
      ctx.link.sftp = { wire, path: sftp.path, names };
      await wire.close(handle).catch(() => undefined);
      sftp.stage = 'done';
    } catch (err) {
      if (err instanceof SftpStatusError) {
        sftp.status = { code: err.code, message: err.message.slice(0, 300) };
        sftp.path ??= path;
        if (!transport.failure && !wire.closed) {
          ctx.progress('The start folder was refused; looking at its owner and mode…');
          const look = await within(lookAtFolder(wire, path, sftp.path === path ? undefined : sftp.path), Math.min(3000, ctx.remaining()), ctx.signal);
          if (look) sftp.folderLook = look;
        }
        return { status: 'fail', detail: `The start folder ${sftp.path} cannot be listed: ${err.message}`, facts: { sftp }, stop: true };
      }
      sftp.error = err instanceof SftpClosedError ? 'the server closed the SFTP session' : (err as Error).message;
      if (transport.failure) sftp.error += ` (connection: ${transport.failure.message})`;
      return { status: 'fail', detail: `The SFTP session broke: ${sftp.error}`, facts: { sftp }, stop: true };
    }

    // The key was refused, yet we are in (with the password): look at why on the server.
    const givenKeyRefused = ctx.facts.auth?.attempts.some((a) => a.source === 'given' && a.result === 'failure');
    if (givenKeyRefused) {
      ctx.progress('Checking ~/.ssh on the server (the key was refused)…');
      sftp.keyCheck = await inspectAuthorizedKeys(wire, ctx.facts.key?.publicKey);
    }
    // Started in / without being asked to: sshd could not enter the home folder (it says so only
    // to commands; a subsystem's error output is dropped). One plain command tells.
    if (sftp.path === '/' && !ctx.request.startPath?.trim() && !transport.failure) {
      ctx.progress('The session started in /; asking the server why…');
      addShellReport(sftp, await shellReport(client, ctx));
    }
    const detail = `Listed ${sftp.path}: ${sftp.entries} entr${sftp.entries === 1 ? 'y' : 'ies'} (SFTP version ${wire.version})`;
    return { status: 'ok', detail, facts: { sftp } };
  },
};
