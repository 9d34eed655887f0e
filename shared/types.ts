/**
 * Data that crosses between the engine, the front ends and the bundle writer.
 * Types only: nothing here runs. Secrets appear ONLY in ConnectionRequest (input);
 * nothing the engine emits (events, diagnosis, evidence) has a field that can hold one.
 */
import type { Action } from './actions';
import type { DiagnosisCode, Phase, PhaseStatus } from './codes';
import type { Fix } from './fixes';
import type { Protocol, ProxyType } from './schemas/request';

/** Login methods a site may use, in OpenSSH's order (PreferredAuthentications). */
export const LOGIN_METHODS = ['publickey', 'keyboard-interactive', 'password'] as const;
export type LoginMethod = (typeof LOGIN_METHODS)[number];

/**
 * The signature algorithms an RSA key can sign a login with (RFC 8332), in the order OpenSSH,
 * PuTTY and WinSCP prefer them; "ssh-rsa" is the old SHA-1 kind.
 */
export const RSA_SIGNATURES = ['rsa-sha2-512', 'rsa-sha2-256', 'ssh-rsa'] as const;
export type RsaSignature = (typeof RSA_SIGNATURES)[number];

// The request's contracts are zod schemas (shared/schemas/request.ts); their types, type-only here
// so that importing this module never loads zod.
export type { ConnectionRequest, JumpHost, JumpHostSpec, KeySource, PromptAnswer, Protocol, ProxyRequest, ProxySpec, ProxyType } from './schemas/request';

/** The same request with every secret replaced by whether it was given. Safe to log and show. */
export interface RequestSummary {
  protocol: Protocol;
  host: string;
  port: number | string | null;
  user: string;
  passwordGiven: boolean;
  keyGiven: boolean;
  keyPath: string | null;
  passphraseGiven: boolean;
  useAgent: boolean;
  identitiesOnly: boolean;
  legacyAlgorithms: string[];
  /** Weak algorithms were chosen from the server's offer (absent: no). */
  legacyAlgorithmsAuto?: boolean;
  knownHostsPath: string | null;
  startPath: string | null;
  timeoutMs: number;
  /** The jump hosts as "user@host:port", in order (absent: none). */
  jumpHosts?: string[];
  /** The proxy as "socks5://user@host:port" (absent: none). */
  proxy?: string;
  /** Absent in results written before the write test existed. */
  writeTest?: boolean;
  holdSeconds?: number;
  keepaliveSeconds?: number;
}

export type { Fix, FixId, FixKind, RiskLevel } from './fixes';
export type { Action } from './actions';

/** One line of evidence as the user sees it. */
export interface EvidenceItem {
  label: string;
  value: string;
  /** Show in a monospace font (fingerprints, server answers, algorithm names). */
  mono?: boolean;
  /** Mark as the part that is wrong. */
  highlight?: boolean;
  /** Offer a Copy button for the value; names what is copied ("public key line"). */
  copy?: string;
}

export interface AlgorithmLists {
  kex: string[];
  serverHostKey: string[];
  cipher: string[];
  mac: string[];
  compression: string[];
}

export type AlgorithmCategory = keyof AlgorithmLists;

export interface AlgorithmMismatch {
  category: AlgorithmCategory;
  server: string[];
  client: string[];
  /** Weak algorithms we could enable for this site that the server offers in this category. */
  legacyCandidates: string[];
}

export interface ServerInfo {
  /** The identification line, e.g. "SSH-2.0-OpenSSH_9.2p1 Debian-2". */
  banner: string | null;
  /** Software and version, e.g. "OpenSSH_9.2p1 Debian-2". */
  software: string | null;
  /** Lines the server sent before its identification. */
  preBanner: string[];
  algorithms: AlgorithmLists | null;
}

export interface HostKeyInfo {
  type: string;
  sha256: string;
  md5: string;
  /** OpenSSH public key line body: "<type> <base64>". */
  publicKey: string;
}

export interface KnownHostMatch {
  file: string;
  line: number;
  type: string;
  sha256: string;
}

export interface HostKeyFacts {
  key: HostKeyInfo;
  status: 'trusted' | 'unknown' | 'changed' | 'revoked' | 'accepted-once';
  /** Lines in the known-hosts file that name this host (for a changed key: the old ones). */
  matches: KnownHostMatch[];
  knownHostsFile: string;
  /** The user chose to trust and save the key, but it could not be saved (why, and where): it was used for this run only. */
  notSaved?: string;
}

export interface AuthAttempt {
  method: string;
  /** e.g. the key fingerprint; never a secret. */
  detail?: string;
  result: 'success' | 'failure' | 'partial' | 'error';
  methodsLeft?: string[];
  /** For publickey: where the key came from (the key given, or a running agent). */
  source?: 'given' | 'agent';
  /** For publickey: the key's type, e.g. "ssh-ed25519". */
  keyType?: string;
  /** What the server asked (keyboard-interactive prompt texts) or said; never an answer. */
  note?: string;
  /** A second try of the password, corrected for this idea (the value is never recorded). */
  variant?: 'pasted-characters' | 'caps-lock';
  /** The one try of the password over a login method the site leaves out (a second look). */
  outsideSite?: boolean;
  /** For an RSA key: the signature algorithm the attempt used. */
  signature?: RsaSignature;
  /** The one try of the same key signed with another algorithm (a second look). */
  signatureLook?: boolean;
}

/** A proxy's part of the path (SOCKS5 or HTTP CONNECT), as the tcp phase of the first hop saw it. */
export interface ProxyFacts {
  type: ProxyType;
  host: string;
  port: number;
  /** The address of the proxy that was used (or tried last). */
  address?: string;
  /** This computer's end of the connection to the proxy (the first hop of the path). */
  local?: LocalEndpoint;
  /** The host:port the proxy was asked to connect to. */
  target: string;
  /** How far it got: looking up the proxy, connecting to it, its login, the CONNECT request. */
  stage: 'dns' | 'tcp' | 'auth' | 'connect' | 'done';
  /** errno-like code of a failed lookup or connection (ENOTFOUND, ECONNREFUSED, ETIMEDOUT...). */
  error?: string;
  attempts?: { address: string; result: string; ms: number }[];
  /** A user name was sent to the proxy. */
  authUsed: boolean;
  /** The SOCKS5 reply code (0 granted, 1-8 refusals). */
  socksReply?: number;
  /** The HTTP status of the CONNECT answer, and its reason text (made printable). */
  httpStatus?: number;
  httpReason?: string;
  /** The proxy's words (library message or first line), printable and bounded. */
  message?: string;
}

/** A jump host's outcome, as carried in the target's result. */
export interface HopFacts {
  index: number;
  host: string;
  port: number;
  user: string;
  status: 'ok' | 'failed' | 'not-reached';
  /** The jump host's own diagnosis when it failed (its code, texts and evidence). */
  code?: DiagnosisCode;
  phase?: Phase;
  title?: string;
  explanation?: string;
  nextStep?: string;
  evidence?: EvidenceItem[];
  /** The jump host's own fixes (they apply to the jump host), and its actions (the admin message). */
  fixes?: Fix[];
  actions?: Action[];
  /** Server software and host key seen on this hop. */
  software?: string;
  hostKey?: string;
  /** This computer's end of the connection to this hop, when it was reached directly (the first hop, without a proxy). */
  local?: LocalEndpoint;
}

/** Opening the forwarded channel (direct-tcpip) on a jump host to the next hop or the target. */
export interface ForwardFacts {
  /** The jump host that was asked, "host:port", and its index. */
  via: string;
  viaHop: number;
  /** host:port it was asked to connect to. */
  target: string;
  /** The SSH channel-open failure reason (1 prohibited, 2 connect failed, 3 unknown type, 4 shortage). */
  reason?: number;
  /** The jump host's words with the refusal, printable and bounded. */
  description?: string;
  /** What the refusal means, as a code: ECONNREFUSED, ETIMEDOUT, ENOTFOUND, EHOSTUNREACH, EPROHIBITED, or the channel's words. */
  error?: string;
  ms?: number;
}

/** This computer's end of a TCP connection, as the operating system reports it. */
export interface LocalEndpoint {
  address: string;
  port: number;
  /** The network interface holding that address (os.networkInterfaces), when found. */
  interface?: string;
}

/** Structured facts gathered by the phases. Each phase adds its own part. */
export interface Facts {
  /** The proxy of the path, when one is used. */
  proxy?: ProxyFacts;
  /** The jump hosts of the path, in order, when there are any. */
  path?: { hops: HopFacts[]; failedHop?: number };
  /** The forwarded channel to this host (absent when it was reached directly). */
  forward?: ForwardFacts;
  input?: {
    host: string;
    port: number;
    user: string;
    warnings: string[];
    /** Set when the form cannot be used as it is (engine part 1). */
    problem?: 'host-field' | 'host-empty' | 'port-invalid';
    /** The host field split into its parts (scheme, user, host, port, path), when it held more than a host. */
    split?: { scheme?: string; user?: string; host: string; port?: number; path?: string };
    /** The port as typed, when it was not a usable number. */
    portText?: string;
    /** Fields with spaces before or after them (the value itself is never recorded). */
    whitespace?: ('host' | 'user' | 'password' | 'passphrase')[];
    /** A port that usually belongs to another protocol (21, 990, 80, 443). */
    otherProtocolPort?: number;
  };
  dns?: {
    addresses: { address: string; family: 4 | 6 }[];
    error?: string;
    suggestions?: string[];
  };
  tcp?: {
    address?: string;
    port: number;
    /**
     * This computer's end of the connection (or of the last attempt): the address and port it
     * left from, as seen locally (NAT may change it), and the network interface holding it.
     */
    local?: LocalEndpoint;
    error?: string;
    attempts: { address: string; result: string; ms: number }[];
    /** Other ports tried once something failed, and what answered. */
    probes?: { port: number; result: 'ssh' | 'other' | 'closed' | 'timeout'; banner?: string }[];
  };
  server?: ServerInfo;
  /** What arrived before encryption started (engine part 1, banner phase). */
  banner?: {
    outcome: 'ssh' | 'closed' | 'reset' | 'timeout' | 'ftp' | 'not-ssh' | 'ssh1';
    /** For not-ssh: what it looked like. */
    reason?: 'http' | 'tls' | 'binary' | 'text' | 'too-long' | 'too-much' | 'bad-version';
    /** The first bytes received, printable (control bytes as \\xNN). */
    firstBytes?: string;
    bytesReceived: number;
    waitedMs: number;
  };
  kex?: {
    client: AlgorithmLists;
    negotiated?: Partial<Record<AlgorithmCategory, string>>;
    mismatch?: AlgorithmMismatch;
    error?: string;
    /** Weak algorithms chosen from the server's offer for this run (legacyAlgorithmsAuto), least weak first, with their risk. */
    chosen?: { category: AlgorithmCategory; algorithm: string; risk: string }[];
  };
  hostkey?: HostKeyFacts;
  auth?: {
    methods: string[];
    attempts: AuthAttempt[];
    banner?: string;
    /** Signature algorithms the server accepts for keys (its server-sig-algs extension). */
    sigAlgs?: string[];
    /** Why the server ended the connection during login (its disconnect message). */
    disconnect?: string;
    /** 'server' when `disconnect` holds the server's own DISCONNECT words (not just a closed connection). */
    disconnectBy?: 'server';
    /** The connection ended while this attempt waited for its answer (no yes, no no). */
    closedAfter?: string;
    /** The server requires a new password: by an SSH password-change request or a PAM prompt. */
    expired?: 'change-request' | 'pam' | 'session';
    /** A new password was set during this run (through the server's own change dialog). */
    passwordChanged?: boolean;
    /** The part of the banner sent after a refused attempt: an answer to the login, not a greeting. */
    lateBanner?: string;
    /** Names and instructions of the server's keyboard-interactive requests (PAM messages arrive here). */
    kbdTexts?: string[];
    /** The one extra password try made to tell a typing or pasting slip apart, and its answer. */
    secondLook?: { idea: 'pasted-characters' | 'caps-lock'; result: 'accepted' | 'refused' };
    /**
     * The one try of the same password over the other password method (keyboard-interactive or
     * password), which the site's settings leave out, and what it showed ('not-asked': the server
     * asked no password question, so nothing was sent; 'second-factor': it asked for a one-time
     * code or token, which a second look never answers).
     */
    methodLook?: { method: 'keyboard-interactive' | 'password'; result: 'accepted' | 'refused' | 'not-asked' | 'second-factor'; siteMethods: LoginMethod[] };
    /**
     * The one try of the RSA key given, refused when signed with `used`, signed once more with
     * `tried`, and what the server answered.
     */
    signatureLook?: { used: RsaSignature; tried: RsaSignature; result: 'accepted' | 'refused' };
    /** Keyboard-interactive questions nobody answered (no one to ask, or cancelled). */
    unanswered?: string[];
    /** Keys a running agent holds (count only); null when no agent was used. */
    agentKeys?: number | null;
    /** Whether the login succeeded. */
    success?: boolean;
    /** What we had to log in with (never the values). */
    credentials?: { password: boolean; key: boolean; agent: boolean; prompt: boolean };
  };
  /** The private key given, as checked before connecting (engine part 2). Public facts only. */
  key?: {
    source: 'file' | 'text' | 'base64';
    path?: string;
    format?: string;
    type?: string | null;
    bits?: number | null;
    fingerprint?: string | null;
    /** "<type> <base64>" for authorized_keys, when known. */
    publicKey?: string | null;
    encrypted?: boolean;
    /** Read in a format ssh2 cannot use directly and converted in memory (e.g. "ppk-v3"). */
    convertedFrom?: string;
    /** Why it cannot be used: a KEY_* diagnosis code and the key reader's words. */
    error?: { code: string; message: string; fix: string; reason?: string };
    ms?: number;
  };
  sftp?: {
    path?: string;
    entries?: number;
    error?: string;
    output?: string;
    /** How far the session got: the channel, the subsystem request, the SFTP version exchange, the listing. */
    stage?: 'channel' | 'subsystem' | 'init' | 'realpath' | 'opendir' | 'readdir' | 'done' | 'scp';
    /** SFTP protocol version the server speaks. */
    version?: number;
    /** The server's exit status or signal for the session, and what it wrote to its error output. */
    exitCode?: number;
    exitSignal?: string;
    stderr?: string;
    /** SFTP status code and message of a refused request (3 = permission denied, 2 = no such file). */
    status?: { code: number; message: string };
    /** The 4 bytes read as a packet length when text arrived instead of SFTP. */
    bogusLength?: number;
    /** First lines the account's shell prints for a plain command (fetched over exec). */
    shellOutput?: string;
    /** The account's shell ($SHELL), when a command could be run. */
    shell?: string;
    /** The plain command we ran came back (false: something else runs in its place, a forced command or a restricted shell). */
    commandRan?: boolean;
    /** What that command wrote to its error output, and its exit status. */
    execStderr?: string;
    execExitCode?: number;
    /** Whether `scp` works over exec (checked once SFTP is missing, or for SCP sites). */
    scp?: { works: boolean; detail: string };
    /** Server-side look at ~/.ssh when the key was refused but a password got in. */
    keyCheck?: ServerKeyCheck;
    /** After the start folder was refused: the folder and its parent as the server reports them, and whether the account is chrooted. */
    folderLook?: FolderLook;
  };
  /** The write test in the start folder (after the listing). */
  write?: WriteFacts;
  /** The idle hold (after the write test), when asked for. */
  hold?: HoldFacts;
  /** Transfer speed, when asked for (a figure, not a verdict). */
  speed?: SpeedFacts;
}

/** An SFTP request the server refused: which one, and its status code and message. */
export interface SftpRefusal {
  request: 'open' | 'write' | 'read' | 'close' | 'rename' | 'remove';
  code: number;
  message: string;
}

export interface WriteFacts {
  /** Not done: switched off (read-only account) or the protocol is SCP. */
  skipped?: 'off' | 'scp';
  /** The folder written in, as the server names it. */
  folder?: string;
  /** The temporary file's name (it says what it is). */
  file?: string;
  /** How far the test got; 'done' = written, read back, identical, renamed and removed. */
  stage?: 'open' | 'write' | 'read' | 'compare' | 'rename' | 'remove' | 'done';
  /** Bytes written, and bytes read back (fewer, or different: a server that truncates or alters). */
  bytes?: number;
  readBack?: number;
  /** The read-back bytes differ from what was written. */
  mismatch?: boolean;
  refusal?: SftpRefusal;
  /** The session or connection broke during the test. */
  error?: string;
  /** The folder as the server reports it (owner, group, mode), looked at after a refusal. */
  folderAttrs?: { uid: number; gid: number; mode: number } | null;
  /** The account's own uid, as the server shows it on the home folder (when known). */
  homeUid?: number;
  /** Free space of the folder's file system (statvfs@openssh.com), when the server offers it. */
  space?: { freeBytes: number; totalBytes: number; freeFiles: number; readOnly: boolean } | null;
  /** The server offers the statvfs@openssh.com extension. */
  statvfs?: boolean;
  /** Folders next to the start folder where a test file could be created (proved, then removed). */
  writableNearby?: string[];
  /** Earlier test files of SFTP Doctor found in the folder and removed. */
  leftoversRemoved?: string[];
  /** The temporary file could not be removed (its name is in file): say so. */
  leftBehind?: boolean;
  /** SFTP requests sent and round trips waited for (the requests are pipelined). */
  requests?: number;
  roundTrips?: number;
}

export interface HoldFacts {
  /** Seconds asked for. */
  seconds: number;
  /** 'alive': the session answered after the hold; otherwise how it died. */
  outcome: 'alive' | 'reset' | 'closed' | 'silent';
  /** How long the session lasted idle: exact for a reset or close; for a silent drop, at most this. */
  survivedMs: number;
  /** Whether survivedMs is exact (the drop was seen) or an upper bound (found only by a round trip). */
  exact: boolean;
  /** Keepalive interval in force during the hold (seconds), when one was. */
  keepaliveSeconds?: number;
  error?: string;
  /** How long the round trip after the hold took, or how long we waited for it. */
  probeMs?: number;
}

export interface SpeedFacts {
  bytes: number;
  /** MB/s (10^6 bytes per second), ours via ssh2's fastPut/fastGet. */
  uploadMBps?: number;
  downloadMBps?: number;
  /** OpenSSH's sftp on the same link, when installed and usable with these credentials. */
  openssh?: { uploadMBps: number; downloadMBps: number } | { unavailable: string };
  /** The data read back was identical. */
  verified?: boolean;
  error?: string;
  /** Our transfer is clearly slower than OpenSSH's on the same link. */
  oursSlower?: boolean;
}

/** What we found on the server about a refused key (read over SFTP after a password login). */
/** A folder as the server reports it (SFTP LSTAT, and the long name of a parent's listing). */
export interface FolderEntry {
  path: string;
  /** uid, gid and permission bits (with the file type bits: 0o040000 a folder); absent when the server sent none. */
  uid?: number;
  gid?: number;
  mode?: number;
  /** Owner and group names from the parent's listing (the "ls -l" line servers send), when given. */
  owner?: string;
  group?: string;
  longname?: string;
  /** The server refused to look at it: SFTP status code and message. */
  status?: { code: number; message: string };
}

export interface FolderLook {
  /** The start folder as an absolute path on the server (as the account sees it). */
  folder: FolderEntry;
  /** Its parent folder (absent for "/"). */
  parent?: FolderEntry;
  /** The account's start (home) folder, and its uid (the account's own unless it belongs to root). */
  home?: string;
  homeUid?: number;
  /**
   * Whether the account sees a root of its own (ChrootDirectory): 'yes' when "/" holds none of the
   * system's folders (etc, usr, bin), 'no' when it does, 'unknown' when "/" could not be listed.
   */
  chroot: 'yes' | 'no' | 'unknown';
  /** A few names of what "/" holds, as the account sees it (bounded). */
  rootNames?: string[];
}

export interface ServerKeyCheck {
  home?: { path: string; mode: number; uid: number };
  sshDir?: { mode: number; uid: number } | null;
  authorizedKeys?: { mode: number; uid: number; size: number } | null;
  /** The account's own uid (from the home folder, as servers see it). */
  userUid?: number;
  keyListed?: boolean;
  /** Short findings, each a plain sentence: "~/.ssh is writable by the group (mode 775)". */
  problems: string[];
  error?: string;
}

export interface Diagnosis {
  code: DiagnosisCode;
  ok: boolean;
  /** The phase where the run stopped (or the last one, on success). */
  phase: Phase;
  title: string;
  /** What happened and why, in plain words. */
  explanation: string;
  /** What to do next. */
  nextStep: string;
  evidence: EvidenceItem[];
  /** Changes SFTP Doctor can make and re-check (shared/fixes.ts). */
  fixes: Fix[];
  /** What else to do that is not a repair: ask the admin, type the password... (shared/actions.ts). */
  actions: Action[];
}

/** A step as summarised in the result. */
export interface StepSummary {
  phase: Phase;
  /** The jump host this step belongs to (index in request.jumpHosts); absent for the target. */
  hop?: number;
  status: PhaseStatus;
  ms: number;
  detail: string;
}

export interface RunResult {
  runId: string;
  request: RequestSummary;
  diagnosis: Diagnosis;
  steps: StepSummary[];
  facts: Facts;
  startedAt: string;
  totalMs: number;
}

/** What a run streams while it goes. None of these can hold a secret. */
export type RunEvent =
  | { type: 'phase'; runId: string; phase: Phase; status: PhaseStatus; ms: number; detail: string; budgetMs?: number; hop?: number; hopLabel?: string }
  | { type: 'log'; runId: string; ms: number; source: 'engine' | 'ssh'; text: string }
  | { type: 'done'; runId: string; result: RunResult };

/** A question the engine needs the user to answer. */
export type PromptRequest =
  | {
      kind: 'hostkey';
      runId: string;
      promptId: string;
      host: string;
      port: number;
      key: HostKeyInfo;
      status: 'unknown' | 'changed';
      previous: KnownHostMatch[];
    }
  | {
      kind: 'secret';
      runId: string;
      promptId: string;
      /** What is asked: a key passphrase, a one-time code, a new password... */
      purpose: 'passphrase' | 'keyboard-interactive' | 'new-password';
      title: string;
      instructions: string;
      prompts: { text: string; echo: boolean }[];
    };

export interface AppInfo {
  name: string;
  version: string;
  /** Which front end is serving the UI. */
  host: 'electron' | 'browser' | 'cli';
  /** Whether saved passwords can be encrypted on this machine. */
  canSavePasswords: boolean;
  /** Why passwords cannot be remembered here (the browser window, no keychain), when they cannot. */
  savePasswordsUnavailable?: string;
  versions: Record<string, string>;
}
