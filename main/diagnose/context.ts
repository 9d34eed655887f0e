import type { Phase, PhaseStatus } from '../../shared/codes';
import type { ConnectionRequest, Facts } from '../../shared/types';
import type { DiagnoseOptions } from './options';

/** Thrown inside a run when the user cancelled or the time budget ran out (never escapes diagnose()). */
export class RunAborted extends Error {
  constructor(readonly reason: 'cancelled' | 'timeout') {
    super(reason === 'cancelled' ? 'The run was cancelled' : 'The time budget ran out');
  }
}

/** Everything a phase may use. Phases read `facts` and return their own part; they never reach into each other. */
export interface RunContext {
  readonly runId: string;
  readonly request: ConnectionRequest;
  readonly options: DiagnoseOptions;
  /** Facts gathered so far (read-only for phases: they return their own part). */
  readonly facts: Readonly<Facts>;
  /** Milliseconds since the run started. */
  elapsed(): number;
  /** Milliseconds left of the whole budget. */
  remaining(): number;
  /**
   * Milliseconds left for waiting on the network before a failure verdict, keeping a share of the
   * budget for the port probes that follow a failure.
   */
  remainingBeforeProbes(): number;
  /** Aborts when the user cancels or the whole budget is spent. */
  readonly signal: AbortSignal;
  /** Stops the budget clock while a person answers a prompt; call the returned function when they have. */
  pauseBudget(): () => void;
  log(text: string, source?: 'engine' | 'ssh'): void;
  /** Reports progress inside a phase (status 'running' with a new detail). */
  progress(detail: string): void;
  /** Registers a clean-up that runs when the run ends, whatever happens. */
  onCleanup(fn: () => void): void;
  /** Shared connection state handed from one phase to the next (the one TCP connection). */
  readonly link: LinkState;
}

/** What the network phases hand to each other: opened by tcp, used by banner, kex, hostkey (and auth, sftp). */
export interface LinkState {
  /** A TCP socket of our own, or the channel a jump host forwards (its stream). */
  socket?: import('node:stream').Duplex;
  /** How this hop is reached: directly (absent), through the proxy, or through the previous jump host. */
  via?: { kind: 'proxy'; proxy: import('../../shared/types').ProxyRequest } | { kind: 'jump'; hop: number; label: string; client: import('ssh2').Client };
  /** Who looks up this hop's name when it is not us ("the proxy", "the jump host x:22"). */
  resolvedBy?: string;
  transport?: import('./transport').Transport;
  /** Address and port of the connection (for probes and known_hosts). */
  address?: string;
  port?: number;
  /** What we offered in the key exchange (set by the banner phase when it starts ssh2). */
  offer?: import('../../shared/types').AlgorithmLists;
  /** Weak algorithms chosen from the server's offer (legacyAlgorithmsAuto), with their risk. */
  chosen?: NonNullable<NonNullable<import('../../shared/types').Facts['kex']>['chosen']>;
  /** A socket error seen between the tcp phase and the transport taking over the socket. */
  socketError?: NodeJS.ErrnoException;
  /** The request's private key, opened before connecting (input phase); used by the auth phase. */
  key?: import('../keys/index').SshReadyKey;
  /** The SFTP session the sftp phase opened and the start folder it listed (for the write test and the hold). */
  sftp?: { wire: import('./sftp-wire').SftpWire; path: string; names: import('./sftp-wire').SftpNameEntry[] };
}

export interface PhaseOutcome {
  status: Exclude<PhaseStatus, 'pending' | 'running'>;
  detail: string;
  /** This phase's own facts, merged into the run's facts by the engine. */
  facts?: Partial<Facts>;
  /** Stop the run here: the rules explain why from the facts. */
  stop?: boolean;
}

export interface PhaseModule {
  phase: Phase;
  run(ctx: RunContext): Promise<PhaseOutcome>;
}

/** Resolves with the promise's value, or rejects with RunAborted when the run is aborted first. */
export function untilAborted<T>(signal: AbortSignal, promise: Promise<T>): Promise<T> {
  if (signal.aborted) return Promise.reject(signal.reason as Error);
  return new Promise<T>((resolve, reject) => {
    const onAbort = () => reject(signal.reason as Error);
    signal.addEventListener('abort', onAbort, { once: true });
    promise.then(
      (v) => {
        signal.removeEventListener('abort', onAbort);
        resolve(v);
      },
      (e: unknown) => {
        signal.removeEventListener('abort', onAbort);
        reject(e instanceof Error ? e : new Error(String(e)));
      },
    );
  });
}

/** A timer promise that is cleared when the run aborts, resolving false, or true when it elapsed. */
export function sleep(ms: number, signal: AbortSignal): Promise<boolean> {
  return new Promise((resolve) => {
    if (signal.aborted) return resolve(false);
    const t = setTimeout(() => {
      signal.removeEventListener('abort', onAbort);
      resolve(true);
    }, Math.max(0, ms));
    const onAbort = () => {
      clearTimeout(t);
      resolve(false);
    };
    signal.addEventListener('abort', onAbort, { once: true });
  });
}
