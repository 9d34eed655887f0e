import type { Duplex } from 'node:stream';
import ssh2Package from 'ssh2/package.json';
import type { AnyAuthMethod, AuthenticationType, AuthHandlerMiddleware } from 'ssh2';
import { Client } from './ssh2';
import type { AlgorithmLists, RsaSignature } from '../../shared/types';
import { ssh2AlgorithmOption } from './algorithms';
import { WireRecorder, type KexinitInfo } from './wire';

/**
 * The one SSH connection of a run: the socket the tcp phase opened, a recorder of the bytes that
 * arrive before encryption, and ssh2's Client driving the protocol on that same socket.
 * Phases wait for states of it (identification seen, host key offered, keys agreed, an
 * authentication turn) with waitFor(); it never throws to them and owns no timers of its own.
 */

export interface TransportFailure {
  kind: 'closed' | 'reset' | 'error';
  message: string;
  /** errno code for socket errors, ssh2's level for protocol errors. */
  code?: string;
  /** ms since the transport started. */
  atMs: number;
}

export interface OfferedHostKey {
  blob: Buffer;
  /** Tell ssh2 whether to go on (true) or to stop (false). Call once. */
  decide(accept: boolean): void;
}

/** One turn of ssh2's authentication loop: answer with a method, or false to stop. */
export interface AuthTurn {
  methodsLeft: string[] | null;
  partialSuccess: boolean | null;
  /** A method name, or a full method object (with its secret: the auth phase builds it from a Secret at the last moment). */
  respond(method: AuthenticationType | AnyAuthMethod | false): void;
}

export interface TransportOptions {
  username: string;
  /**
   * What we offer; or a choice made from the server's own offer (its KEXINIT): then we send our
   * identification ourselves, hold ssh2 back until the server's KEXINIT is in, and start ssh2 with
   * the chosen lists on the same connection (the held bytes replayed to it).
   */
  algorithms: AlgorithmLists | ((server: KexinitInfo | null) => AlgorithmLists);
  /** ssh2's debug lines (already free of secrets: no secret is given to ssh2 in this phase). */
  debug?: (line: string) => void;
  /** A socket error seen after the tcp phase connected and before this transport took over. */
  earlyError?: NodeJS.ErrnoException;
  /** Send an SSH keepalive (keepalive@openssh.com) every N seconds once logged in (ssh2's own timer). */
  keepaliveSeconds?: number;
}

/** The identification ssh2 sends by default: when we send it ourselves, servers still see the same client. */
const SSH2_IDENT = `ssh2js${ssh2Package.version}`;
/** The hash each RSA signature algorithm signs with (RFC 8332). */
const RSA_HASHES: Record<RsaSignature, string> = { 'rsa-sha2-512': 'sha512', 'rsa-sha2-256': 'sha256', 'ssh-rsa': 'sha1' };

type SignCallback = (data: Buffer, done: (signature: Buffer) => void) => void;
/** The part of ssh2's Protocol (and of its parsed keys) that key offers go through. */
interface KeyOfferProtocol {
  authPK: (username: string, key: { type?: string; getPublicSSH?: () => Buffer; sign?: (data: Buffer, hash?: string) => Buffer | Error } | undefined, algorithm?: string | SignCallback, sign?: SignCallback) => unknown;
}

/** Unanswered keepalives before ssh2 gives the connection up (like OpenSSH's ServerAliveCountMax). */
export const KEEPALIVE_COUNT_MAX = 3;

/** Bytes held for ssh2 while waiting for the server's offer (the recorder keeps at most 64 KB). */
const MAX_HELD = 64 * 1024;

export class Transport {
  readonly recorder = new WireRecorder();
  readonly client: Client;
  readonly startedAt = Date.now();
  failure: TransportFailure | null = null;
  hostKey: OfferedHostKey | null = null;
  negotiated: Record<string, unknown> | null = null;
  /** Authentication turns ssh2 asks for, oldest first (the auth phase answers them). */
  readonly authTurns: AuthTurn[] = [];
  authBanner: string | null = null;
  /** Login accepted (ssh2's 'ready'). */
  ready = false;
  /** Signature algorithms the server accepts for keys (EXT_INFO server-sig-algs), when it said. */
  sigAlgs: string[] | null = null;
  /** USERAUTH_FAILURE answers received so far (tells a real refusal from ssh2 skipping a method). */
  authFailures = 0;
  /** The server accepted a key offer (USERAUTH_PK_OK) this many times: a signature followed. */
  keyOffersAccepted = 0;
  /**
   * Sign with this algorithm when ssh2 offers the RSA key whose public blob this is (null:
   * ssh2's own choice). ssh2 picks the RSA signature from the server's list and has no option
   * for it; the auth phase sets this before it hands ssh2 the key.
   */
  rsaSignature: { blob: Buffer; algorithm: RsaSignature } | null = null;
  /** The signature algorithm of the last key offer ssh2 sent (e.g. "rsa-sha2-256"). */
  lastKeyAlgorithm: string | null = null;
  /** Banner text that arrived after the first refused attempt (OpenSSH sends PAM's account messages this way). */
  lateBanner: string | null = null;
  /** Names and instructions of keyboard-interactive requests, as sent (bounded: 8 texts of 2000 characters). */
  readonly kbdTexts: string[] = [];
  /** The server's disconnect message, when it sent one (e.g. "Too many authentication failures"). */
  disconnectMessage: string | null = null;
  /** An SSH password-change request (USERAUTH_PASSWD_CHANGEREQ) with the server's prompt. */
  passwordChangeRequest: string | null = null;
  /**
   * What we offered (null while a choice waits for the server's offer). With a choice, ssh2 starts
   * once the recorder holds the server's KEXINIT; before, nothing but our identification is sent.
   */
  offer: AlgorithmLists | null = null;
  /**
   * For a server that sends its offer only after ours: start ssh2 now, the choice made without the
   * server's offer (no-op once started).
   */
  startWithoutServerOffer: () => void = () => undefined;
  private readonly listeners = new Set<() => void>();
  private closed = false;
  /** Bytes of the stream the recorder has already seen (replayed to ssh2 when it starts late). */
  private replayed = 0;

  constructor(readonly socket: Duplex, options: TransportOptions) {
    // Our recorder listens first, so it has seen every chunk before ssh2 parses (and maybe rejects) it.
    const onData = (data: Buffer) => {
      // Bytes put back for ssh2 after the recorder saw them once are not recorded twice.
      const skip = Math.min(this.replayed, data.length);
      this.replayed -= skip;
      const chunk = skip ? data.subarray(skip) : data;
      if (chunk.length) this.recorder.feed(chunk);
      if (this.recorder.done) socket.off('data', onData);
      this.changed();
    };
    socket.on('data', onData);
    socket.on('error', (err: NodeJS.ErrnoException) => this.fail(err.code === 'ECONNRESET' ? 'reset' : 'error', err.message, err.code));
    socket.on('end', () => this.fail('closed', 'The server closed the connection'));
    socket.on('close', () => this.fail('closed', 'The connection was closed'));
    // The connection may have ended between the tcp phase and now.
    if (options.earlyError) this.fail(options.earlyError.code === 'ECONNRESET' ? 'reset' : 'error', options.earlyError.message, options.earlyError.code);
    else if (socket.destroyed || socket.readableEnded) this.fail('closed', 'The server closed the connection');

    const client = new Client();
    this.client = client;
    client.on('error', (err: Error & { level?: string; code?: unknown }) => {
      // A DISCONNECT from the server carries a numeric reason code and its own words.
      if (typeof err.code === 'number' && !this.disconnectMessage) this.disconnectMessage = err.message;
      const sockCode = typeof err.code === 'string' ? err.code : undefined;
      if (sockCode === 'ECONNRESET') this.fail('reset', err.message, sockCode);
      else this.fail('error', err.message, sockCode ?? err.level);
    });
    client.on('handshake', (negotiated) => {
      this.negotiated = negotiated as unknown as Record<string, unknown>;
      this.changed();
    });
    client.on('banner', (message: string) => {
      this.authBanner = (this.authBanner ? `${this.authBanner}\n` : '') + message.slice(0, 4000);
      // After a refused attempt it answers that attempt (PAM's account messages), not a greeting.
      if (this.authFailures > 0) this.lateBanner = (this.lateBanner ? `${this.lateBanner}\n` : '') + message.slice(0, 4000);
      this.changed();
    });
    client.on('ready', () => {
      this.ready = true;
      this.changed();
    });
    client.on('change password', (prompt: string) => {
      this.passwordChangeRequest = prompt || 'Password change requested';
      this.changed();
    });
    const authHandler: AuthHandlerMiddleware = (methodsLeft, partialSuccess, next) => {
      this.authTurns.push({ methodsLeft: methodsLeft ?? null, partialSuccess: partialSuccess ?? null, respond: (m) => next(m as AuthenticationType) });
      this.changed();
    };
    const start = (lists: AlgorithmLists, ownIdent: boolean) => {
      this.offer = lists;
      const algorithms = ssh2AlgorithmOption(lists);
      client.connect({
        sock: socket,
        username: options.username,
        readyTimeout: 0,
        ...(ownIdent ? { ident: SSH2_IDENT } : {}),
        keepaliveInterval: options.keepaliveSeconds ? Math.round(options.keepaliveSeconds * 1000) : 0,
        keepaliveCountMax: KEEPALIVE_COUNT_MAX,
        ...(algorithms ? { algorithms: algorithms as never } : {}),
        hostVerifier: (key: Buffer, verify: (ok: boolean) => void) => {
          let decided = false;
          this.hostKey = {
            blob: Buffer.from(key),
            decide: (accept) => {
              if (decided) return;
              decided = true;
              verify(accept);
            },
          };
          this.changed();
        },
        authHandler,
        ...(options.debug ? { debug: options.debug } : {}),
      } as never);
      this.tapProtocol();
      // A socket that came through a proxy handshake may be paused with bytes put back (the server's
      // first bytes, read along with the proxy's answer): let them flow to the listeners above.
      // (Bytes held for a choice wait for ssh2's own resume, once its listener is on.)
      if (!ownIdent && socket.isPaused()) socket.resume();
    };
    const choose = options.algorithms;
    if (typeof choose !== 'function') {
      start(choose, false);
      return;
    }
    this.chooseFromServer(choose, start);
  }

  private chooseFromServer(choose: (server: KexinitInfo | null) => AlgorithmLists, start: (lists: AlgorithmLists, ownIdent: boolean) => void): void {
    const socket = this.socket;
    const ident = Buffer.from(`SSH-2.0-${SSH2_IDENT}\r\n`, 'latin1');
    const held: Buffer[] = [];
    let heldBytes = 0;
    const hold = (chunk: Buffer) => {
      // Bounded: the recorder stops at 64 KB and ssh2 starts then; nothing more is needed.
      if (heldBytes <= MAX_HELD) {
        held.push(chunk);
        heldBytes += chunk.length;
      }
    };
    let decided = false;
    const stop = () => {
      decided = true;
      socket.off('data', hold);
      this.listeners.delete(check);
    };
    const begin = () => {
      stop();
      if (this.closed || this.failure) return;
      socket.pause();
      if (heldBytes) {
        if (!this.recorder.done) this.replayed = heldBytes;
        socket.unshift(Buffer.concat(held));
      }
      // ssh2 writes its identification first thing; ours is already on the wire, so that one write is dropped.
      const original = socket.write;
      (socket as { write: unknown }).write = (...args: unknown[]) => {
        socket.write = original;
        if (Buffer.isBuffer(args[0]) && args[0].equals(ident)) {
          const cb = args.find((x): x is () => void => typeof x === 'function');
          if (cb) process.nextTick(cb);
          return true;
        }
        return (original as (...a: unknown[]) => boolean).apply(socket, args);
      };
      start(choose(this.recorder.kexinit), true);
    };
    const check = () => {
      if (decided) return;
      if (this.closed || this.failure) return stop();
      if (!this.recorder.done) return;
      decided = true;
      // Later: every listener of the chunk that completed the offer (the hold above too) has seen it.
      queueMicrotask(begin);
    };
    this.startWithoutServerOffer = () => {
      if (decided) return;
      decided = true;
      queueMicrotask(begin);
    };
    this.listeners.add(check);
    socket.on('data', hold);
    socket.write(ident);
    if (socket.isPaused()) socket.resume();
    check();
  }

  /**
   * ssh2 keeps a few facts of the login to itself (the server's accepted signature algorithms,
   * each USERAUTH_FAILURE and PK_OK): observe them on its message handlers, leaving its behaviour
   * unchanged. Without these internals (another ssh2 version) we only lose evidence.
   */
  private tapProtocol(): void {
    const proto = (this.client as unknown as { _protocol?: { _handlers?: Record<string, ((...args: unknown[]) => unknown) | undefined> } })._protocol;
    const handlers = proto?._handlers;
    if (!handlers) return;
    const tap = (name: string, observe: (args: unknown[]) => void) => {
      const original = handlers[name];
      if (typeof original !== 'function') return;
      handlers[name] = (...args: unknown[]) => {
        try {
          observe(args);
        } catch {
          // observing must never break the protocol
        }
        return original(...args);
      };
    };
    tap('EXT_INFO', (args) => {
      const exts = args[1];
      if (!Array.isArray(exts)) return;
      for (const ext of exts as { name?: unknown; algs?: unknown }[]) {
        if (ext.name === 'server-sig-algs' && Array.isArray(ext.algs)) this.sigAlgs = (ext.algs as unknown[]).filter((a): a is string => typeof a === 'string');
      }
    });
    tap('USERAUTH_FAILURE', () => {
      this.authFailures++;
    });
    // Keyboard-interactive names and instructions: PAM's messages (account expired, locked,
    // nologin) arrive here, often in a request without questions that ssh2 answers by itself.
    tap('USERAUTH_INFO_REQUEST', (args) => {
      for (const t of [args[1], args[2]]) {
        if (typeof t === 'string' && t.trim() && this.kbdTexts.length < 8) this.kbdTexts.push(t.slice(0, 2000));
      }
    });
    tap('USERAUTH_PK_OK', () => {
      this.keyOffersAccepted++;
    });
    this.wrapKeyOffers(proto as unknown as KeyOfferProtocol);
  }

  /**
   * Every key offer goes through ssh2's Protocol.authPK(user, key, algorithm, sign): once to ask
   * whether the server would take the key, once more with the signature. For the RSA key named
   * in `rsaSignature`, both carry that algorithm and the signature is made with its hash; any
   * other key passes unchanged. The algorithm sent is recorded either way.
   */
  private wrapKeyOffers(proto: KeyOfferProtocol): void {
    const original = proto.authPK;
    if (typeof original !== 'function') return;
    proto.authPK = (username, key, algorithm, sign) => {
      if (typeof algorithm === 'function') {
        sign = algorithm;
        algorithm = undefined;
      }
      const forced = this.rsaSignature;
      try {
        if (forced && key?.type === 'ssh-rsa' && typeof key.getPublicSSH === 'function' && forced.blob.equals(key.getPublicSSH())) {
          algorithm = forced.algorithm;
          const ssh2Sign = sign;
          if (ssh2Sign && typeof key.sign === 'function') {
            const hash = RSA_HASHES[forced.algorithm];
            sign = (data, done) => {
              const signature = key.sign!(data, hash);
              if (signature instanceof Error) return ssh2Sign(data, done);
              done(signature);
            };
          }
        }
        this.lastKeyAlgorithm = algorithm ?? key?.type ?? null;
      } catch {
        // an unexpected key object: leave the offer as ssh2 made it
      }
      return original.call(proto, username, key, algorithm, sign);
    };
  }

  /** Answers a password-change request: old and new password (secrets, straight to the wire). */
  sendPasswordChange(username: string, oldPassword: string, newPassword: string): boolean {
    const proto = (this.client as unknown as { _protocol?: { authPassword?: (u: string, p: string, n: string) => void } })._protocol;
    if (typeof proto?.authPassword !== 'function') return false;
    this.passwordChangeRequest = null;
    proto.authPassword(username, oldPassword, newPassword);
    return true;
  }

  private fail(kind: TransportFailure['kind'], message: string, code?: string): void {
    if (!this.failure) this.failure = { kind, message, ...(code ? { code } : {}), atMs: Date.now() - this.startedAt };
    this.changed();
  }

  /** Re-checks every waitFor() (for phases that add their own state to wait on). */
  poke(): void {
    this.changed();
  }

  private changed(): void {
    for (const l of [...this.listeners]) l();
  }

  /**
   * Resolves with check()'s first non-undefined value, re-checked on every change of state; with
   * 'failure' once the connection failed, 'timeout' after timeoutMs, 'aborted' when the run aborts.
   */
  waitFor<T>(check: () => T | undefined, timeoutMs: number, signal: AbortSignal): Promise<{ value: T } | 'failure' | 'timeout' | 'aborted'> {
    return new Promise((resolve) => {
      const state: { timer?: NodeJS.Timeout } = {};
      const finish = (r: { value: T } | 'failure' | 'timeout' | 'aborted') => {
        this.listeners.delete(evaluate);
        signal.removeEventListener('abort', onAbort);
        if (state.timer) clearTimeout(state.timer);
        resolve(r);
      };
      const evaluate = () => {
        const v = check();
        if (v !== undefined) finish({ value: v });
        else if (this.failure) finish('failure');
      };
      const onAbort = () => finish('aborted');
      if (signal.aborted) return resolve('aborted');
      this.listeners.add(evaluate);
      signal.addEventListener('abort', onAbort, { once: true });
      state.timer = setTimeout(() => finish('timeout'), Math.max(0, timeoutMs));
      evaluate();
    });
  }

  /** Ends the connection and frees everything it holds. Safe to call more than once. */
  close(): void {
    if (this.closed) return;
    this.closed = true;
    this.hostKey?.decide(false);
    for (const turn of this.authTurns.splice(0)) {
      try {
        turn.respond(false);
      } catch {
        // ssh2 may already be gone
      }
    }
    this.listeners.clear();
    try {
      this.client.end();
    } catch {
      // not connected any more
    }
    this.socket.destroy();
  }
}
