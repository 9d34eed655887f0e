/**
 * Structured facts gathered by the phases: the one declaration of Facts and its parts. The types
 * are z.infer of these schemas (re-exported type-only by shared/types.ts); the support bundle
 * validates report.json with them (main/bundle/schema.ts), so a fact the engine records cannot be
 * missing from the bundle's schema. Nothing here can hold a secret.
 *
 * This module loads zod: import it only where data is validated; elsewhere `import type`.
 */
import { z } from 'zod';
import { ALGORITHM_CATEGORIES, LOGIN_METHODS, RSA_SIGNATURES } from '../types';
import { DiagnosisSchema } from './diagnosis';
import { ProxyTypeSchema } from './request';

const str = z.string();
const strList = z.array(str);
const num = z.number();

export const AlgorithmListsSchema = z.object({ kex: strList, serverHostKey: strList, cipher: strList, mac: strList, compression: strList });
export const AlgorithmCategorySchema = z.enum(ALGORITHM_CATEGORIES);

export const AlgorithmMismatchSchema = z.object({
  category: AlgorithmCategorySchema,
  server: strList,
  client: strList,
  /** Weak algorithms we could enable for this site that the server offers in this category. */
  legacyCandidates: strList,
});

export const ServerInfoSchema = z.object({
  /** The identification line, e.g. "SSH-2.0-OpenSSH_9.2p1 Debian-2". */
  banner: str.nullable(),
  /** Software and version, e.g. "OpenSSH_9.2p1 Debian-2". */
  software: str.nullable(),
  /** Lines the server sent before its identification. */
  preBanner: strList,
  algorithms: AlgorithmListsSchema.nullable(),
});

export const HostKeyInfoSchema = z.object({
  type: str,
  sha256: str,
  md5: str,
  /** OpenSSH public key line body: "<type> <base64>". */
  publicKey: str,
});

export const KnownHostMatchSchema = z.object({ file: str, line: num, type: str, sha256: str });

export const HostKeyFactsSchema = z.object({
  key: HostKeyInfoSchema,
  status: z.enum(['trusted', 'unknown', 'changed', 'revoked', 'accepted-once']),
  /** Lines in the known-hosts file that name this host (for a changed key: the old ones). */
  matches: z.array(KnownHostMatchSchema),
  knownHostsFile: str,
  /** The user chose to trust and save the key, but it could not be saved (why, and where): it was used for this run only. */
  notSaved: str.optional(),
});

const PasswordIdeaSchema = z.enum(['pasted-characters', 'caps-lock']);

export const AuthAttemptSchema = z.object({
  method: str,
  /** e.g. the key fingerprint; never a secret. */
  detail: str.optional(),
  result: z.enum(['success', 'failure', 'partial', 'error']),
  methodsLeft: strList.optional(),
  /** For publickey: where the key came from (the key given, or a running agent). */
  source: z.enum(['given', 'agent']).optional(),
  /** For publickey: the key's type, e.g. "ssh-ed25519". */
  keyType: str.optional(),
  /** What the server asked (keyboard-interactive prompt texts) or said; never an answer. */
  note: str.optional(),
  /** A second try of the password, corrected for this idea (the value is never recorded). */
  variant: PasswordIdeaSchema.optional(),
  /** The one try of the password over a login method the site leaves out (a second look). */
  outsideSite: z.boolean().optional(),
  /** For an RSA key: the signature algorithm the attempt used. */
  signature: z.enum(RSA_SIGNATURES).optional(),
  /** The one try of the same key signed with another algorithm (a second look). */
  signatureLook: z.boolean().optional(),
});

/** This computer's end of a TCP connection, as the operating system reports it. */
export const LocalEndpointSchema = z.object({
  address: str,
  port: z.number().int(),
  /** The network interface holding that address (os.networkInterfaces), when found. */
  interface: str.optional(),
});

/** One address tried, and what happened. */
const ConnectAttemptSchema = z.object({ address: str, result: str, ms: num });

/** A proxy's part of the path (SOCKS5 or HTTP CONNECT), as the tcp phase of the first hop saw it. */
export const ProxyFactsSchema = z.object({
  type: ProxyTypeSchema,
  host: str,
  port: num,
  /** The address of the proxy that was used (or tried last). */
  address: str.optional(),
  /** This computer's end of the connection to the proxy (the first hop of the path). */
  local: LocalEndpointSchema.optional(),
  /** The host:port the proxy was asked to connect to. */
  target: str,
  /** How far it got: looking up the proxy, connecting to it, its login, the CONNECT request. */
  stage: z.enum(['dns', 'tcp', 'auth', 'connect', 'done']),
  /** errno-like code of a failed lookup or connection (ENOTFOUND, ECONNREFUSED, ETIMEDOUT...). */
  error: str.optional(),
  attempts: z.array(ConnectAttemptSchema).optional(),
  /** A user name was sent to the proxy. */
  authUsed: z.boolean(),
  /** The SOCKS5 reply code (0 granted, 1-8 refusals). */
  socksReply: num.optional(),
  /** The HTTP status of the CONNECT answer, and its reason text (made printable). */
  httpStatus: num.optional(),
  httpReason: str.optional(),
  /** The proxy's words (library message or first line), printable and bounded. */
  message: str.optional(),
});

/** A jump host's outcome, as carried in the target's result. */
export const HopFactsSchema = z.object({
  index: num,
  host: str,
  port: num,
  user: str,
  status: z.enum(['ok', 'failed', 'not-reached']),
  /**
   * The jump host's own diagnosis when it failed: its code, texts and evidence, its own fixes
   * (they apply to the jump host) and its actions (the admin message).
   */
  ...DiagnosisSchema.omit({ ok: true }).partial().shape,
  /** Server software and host key seen on this hop. */
  software: str.optional(),
  hostKey: str.optional(),
  /** This computer's end of the connection to this hop, when it was reached directly (the first hop, without a proxy). */
  local: LocalEndpointSchema.optional(),
});

/** Opening the forwarded channel (direct-tcpip) on a jump host to the next hop or the target. */
export const ForwardFactsSchema = z.object({
  /** The jump host that was asked, "host:port", and its index. */
  via: str,
  viaHop: num,
  /** host:port it was asked to connect to. */
  target: str,
  /** The SSH channel-open failure reason (1 prohibited, 2 connect failed, 3 unknown type, 4 shortage). */
  reason: num.optional(),
  /** The jump host's words with the refusal, printable and bounded. */
  description: str.optional(),
  /** What the refusal means, as a code: ECONNREFUSED, ETIMEDOUT, ENOTFOUND, EHOSTUNREACH, EPROHIBITED, or the channel's words. */
  error: str.optional(),
  ms: num.optional(),
});

/** An SFTP status: its code and message (3 = permission denied, 2 = no such file). */
const SftpStatusSchema = z.object({ code: num, message: str });

/** A folder as the server reports it (SFTP LSTAT, and the long name of a parent's listing). */
export const FolderEntrySchema = z.object({
  path: str,
  /** uid, gid and permission bits (with the file type bits: 0o040000 a folder); absent when the server sent none. */
  uid: num.optional(),
  gid: num.optional(),
  mode: num.optional(),
  /** Owner and group names from the parent's listing (the "ls -l" line servers send), when given. */
  owner: str.optional(),
  group: str.optional(),
  longname: str.optional(),
  /** The server refused to look at it: SFTP status code and message. */
  status: SftpStatusSchema.optional(),
});

export const FolderLookSchema = z.object({
  /** The start folder as an absolute path on the server (as the account sees it). */
  folder: FolderEntrySchema,
  /** Its parent folder (absent for "/"). */
  parent: FolderEntrySchema.optional(),
  /** The account's start (home) folder, and its uid (the account's own unless it belongs to root). */
  home: str.optional(),
  homeUid: num.optional(),
  /**
   * Whether the account sees a root of its own (ChrootDirectory): 'yes' when "/" holds none of the
   * system's folders (etc, usr, bin), 'no' when it does, 'unknown' when "/" could not be listed.
   */
  chroot: z.enum(['yes', 'no', 'unknown']),
  /** A few names of what "/" holds, as the account sees it (bounded). */
  rootNames: strList.optional(),
});

/** What we found on the server about a refused key (read over SFTP after a password login). */
export const ServerKeyCheckSchema = z.object({
  home: z.object({ path: str, mode: num, uid: num }).optional(),
  sshDir: z.object({ mode: num, uid: num }).nullable().optional(),
  authorizedKeys: z.object({ mode: num, uid: num, size: num }).nullable().optional(),
  /** The account's own uid (from the home folder, as servers see it). */
  userUid: num.optional(),
  keyListed: z.boolean().optional(),
  /** Short findings, each a plain sentence: "~/.ssh is writable by the group (mode 775)". */
  problems: strList,
  error: str.optional(),
});

/** An SFTP request the server refused: which one, and its status code and message. */
export const SftpRefusalSchema = z.object({
  request: z.enum(['open', 'write', 'read', 'close', 'rename', 'remove']),
  code: num,
  message: str,
});

export const WriteFactsSchema = z.object({
  /** Not done: switched off (read-only account) or the protocol is SCP. */
  skipped: z.enum(['off', 'scp']).optional(),
  /** The folder written in, as the server names it. */
  folder: str.optional(),
  /** The temporary file's name (it says what it is). */
  file: str.optional(),
  /** How far the test got; 'done' = written, read back, identical, renamed and removed. */
  stage: z.enum(['open', 'write', 'read', 'compare', 'rename', 'remove', 'done']).optional(),
  /** Bytes written, and bytes read back (fewer, or different: a server that truncates or alters). */
  bytes: num.optional(),
  readBack: num.optional(),
  /** The read-back bytes differ from what was written. */
  mismatch: z.boolean().optional(),
  refusal: SftpRefusalSchema.optional(),
  /** The session or connection broke during the test. */
  error: str.optional(),
  /** The folder as the server reports it (owner, group, mode), looked at after a refusal. */
  folderAttrs: z.object({ uid: num, gid: num, mode: num }).nullable().optional(),
  /** The account's own uid, as the server shows it on the home folder (when known). */
  homeUid: num.optional(),
  /** Free space of the folder's file system (statvfs@openssh.com), when the server offers it. */
  space: z.object({ freeBytes: num, totalBytes: num, freeFiles: num, readOnly: z.boolean() }).nullable().optional(),
  /** The server offers the statvfs@openssh.com extension. */
  statvfs: z.boolean().optional(),
  /** Folders next to the start folder where a test file could be created (proved, then removed). */
  writableNearby: strList.optional(),
  /** Earlier test files of SFTP Doctor found in the folder and removed. */
  leftoversRemoved: strList.optional(),
  /** The temporary file could not be removed (its name is in file): say so. */
  leftBehind: z.boolean().optional(),
  /** SFTP requests sent and round trips waited for (the requests are pipelined). */
  requests: num.optional(),
  roundTrips: num.optional(),
});

export const HoldFactsSchema = z.object({
  /** Seconds asked for. */
  seconds: num,
  /** 'alive': the session answered after the hold; otherwise how it died. */
  outcome: z.enum(['alive', 'reset', 'closed', 'silent']),
  /** How long the session lasted idle: exact for a reset or close; for a silent drop, at most this. */
  survivedMs: num,
  /** Whether survivedMs is exact (the drop was seen) or an upper bound (found only by a round trip). */
  exact: z.boolean(),
  /** Keepalive interval in force during the hold (seconds), when one was. */
  keepaliveSeconds: num.optional(),
  error: str.optional(),
  /** How long the round trip after the hold took, or how long we waited for it. */
  probeMs: num.optional(),
});

export const SpeedFactsSchema = z.object({
  bytes: num,
  /** MB/s (10^6 bytes per second), ours via ssh2's fastPut/fastGet. */
  uploadMBps: num.optional(),
  downloadMBps: num.optional(),
  /** OpenSSH's sftp on the same link, when installed and usable with these credentials. */
  openssh: z.union([z.object({ uploadMBps: num, downloadMBps: num }), z.object({ unavailable: str })]).optional(),
  /** The data read back was identical. */
  verified: z.boolean().optional(),
  error: str.optional(),
  /** Our transfer is clearly slower than OpenSSH's on the same link. */
  oursSlower: z.boolean().optional(),
});

/** Structured facts gathered by the phases. Each phase adds its own part. */
/** Why another program would refuse a key file that SFTP Doctor reads (facts.key.otherTools). */
export const KeyToolIssueSchema = z.object({
  /** format: the program cannot read this format; text: the file's text was altered (CRLF, BOM...); mode: group or others may read it. */
  problem: z.enum(['format', 'text', 'mode']),
  /** The program that refuses it. */
  tool: z.enum(['openssh', 'putty']),
  /** In plain words: the format, what was altered, or the mode ("644"). */
  detail: str,
});

export const FactsSchema = z.object({
  /** The proxy of the path, when one is used. */
  proxy: ProxyFactsSchema.optional(),
  /** The jump hosts of the path, in order, when there are any. */
  path: z.object({ hops: z.array(HopFactsSchema), failedHop: num.optional() }).optional(),
  /** The forwarded channel to this host (absent when it was reached directly). */
  forward: ForwardFactsSchema.optional(),
  input: z
    .object({
      host: str,
      port: num,
      user: str,
      warnings: strList,
      /** Set when the form cannot be used as it is (engine part 1). */
      problem: z.enum(['host-field', 'host-empty', 'port-invalid']).optional(),
      /** The host field split into its parts (scheme, user, host, port, path), when it held more than a host. */
      split: z.object({ scheme: str.optional(), user: str.optional(), host: str, port: num.optional(), path: str.optional() }).optional(),
      /** The port as typed, when it was not a usable number. */
      portText: str.optional(),
      /** Fields with spaces before or after them (the value itself is never recorded). */
      whitespace: z.array(z.enum(['host', 'user', 'password', 'passphrase'])).optional(),
      /** A port that usually belongs to another protocol (21, 990, 80, 443). */
      otherProtocolPort: num.optional(),
    })
    .optional(),
  dns: z
    .object({
      addresses: z.array(z.object({ address: str, family: z.union([z.literal(4), z.literal(6)]) })),
      error: str.optional(),
      suggestions: strList.optional(),
    })
    .optional(),
  tcp: z
    .object({
      address: str.optional(),
      port: num,
      /**
       * This computer's end of the connection (or of the last attempt): the address and port it
       * left from, as seen locally (NAT may change it), and the network interface holding it.
       */
      local: LocalEndpointSchema.optional(),
      error: str.optional(),
      attempts: z.array(ConnectAttemptSchema),
      /** Other ports tried once something failed, and what answered. */
      probes: z.array(z.object({ port: num, result: z.enum(['ssh', 'other', 'closed', 'timeout']), banner: str.optional() })).optional(),
    })
    .optional(),
  server: ServerInfoSchema.optional(),
  /** What arrived before encryption started (engine part 1, banner phase). */
  banner: z
    .object({
      outcome: z.enum(['ssh', 'closed', 'reset', 'timeout', 'ftp', 'not-ssh', 'ssh1']),
      /** For not-ssh: what it looked like. */
      reason: z.enum(['http', 'tls', 'binary', 'text', 'too-long', 'too-much', 'bad-version']).optional(),
      /** The first bytes received, printable (control bytes as \\xNN). */
      firstBytes: str.optional(),
      bytesReceived: num,
      waitedMs: num,
    })
    .optional(),
  kex: z
    .object({
      client: AlgorithmListsSchema,
      negotiated: z.partialRecord(AlgorithmCategorySchema, str).optional(),
      mismatch: AlgorithmMismatchSchema.optional(),
      error: str.optional(),
      /** Weak algorithms chosen from the server's offer for this run (legacyAlgorithmsAuto), least weak first, with their risk. */
      chosen: z.array(z.object({ category: AlgorithmCategorySchema, algorithm: str, risk: str })).max(20).optional(),
    })
    .optional(),
  hostkey: HostKeyFactsSchema.optional(),
  auth: z
    .object({
      methods: strList,
      attempts: z.array(AuthAttemptSchema),
      banner: str.optional(),
      /** Signature algorithms the server accepts for keys (its server-sig-algs extension). */
      sigAlgs: strList.optional(),
      /** Why the server ended the connection during login (its disconnect message). */
      disconnect: str.optional(),
      /** 'server' when `disconnect` holds the server's own DISCONNECT words (not just a closed connection). */
      disconnectBy: z.literal('server').optional(),
      /** The connection ended while this attempt waited for its answer (no yes, no no). */
      closedAfter: str.optional(),
      /** The server requires a new password: by an SSH password-change request or a PAM prompt. */
      expired: z.enum(['change-request', 'pam', 'session']).optional(),
      /** A new password was set during this run (through the server's own change dialog). */
      passwordChanged: z.boolean().optional(),
      /** Names and instructions of the server's keyboard-interactive requests (PAM messages arrive here). */
      kbdTexts: strList.optional(),
      /** The one extra password try made to tell a typing or pasting slip apart, and its answer. */
      secondLook: z.object({ idea: PasswordIdeaSchema, result: z.enum(['accepted', 'refused']) }).optional(),
      /**
       * The one try of the RSA key given, refused when signed with `used`, signed once more with
       * `tried`, and what the server answered.
       */
      signatureLook: z.object({ used: z.enum(RSA_SIGNATURES), tried: z.enum(RSA_SIGNATURES), result: z.enum(['accepted', 'refused']) }).optional(),
      /**
       * The one try of the same password over the other password method (keyboard-interactive or
       * password), which the site's settings leave out, and what it showed ('not-asked': the server
       * asked no password question, so nothing was sent; 'second-factor': it asked for a one-time
       * code or token, which a second look never answers).
       */
      methodLook: z
        .object({ method: z.enum(['keyboard-interactive', 'password']), result: z.enum(['accepted', 'refused', 'not-asked', 'second-factor']), siteMethods: z.array(z.enum(LOGIN_METHODS)) })
        .optional(),
      /** The part of the banner sent after a refused attempt: an answer to the login, not a greeting. */
      lateBanner: str.optional(),
      /** Keyboard-interactive questions nobody answered (no one to ask, or cancelled). */
      unanswered: strList.optional(),
      /** Keys a running agent holds (count only); null when no agent was used. */
      agentKeys: num.nullable().optional(),
      /** Whether the login succeeded. */
      success: z.boolean().optional(),
      /** What we had to log in with (never the values). */
      credentials: z.object({ password: z.boolean(), key: z.boolean(), agent: z.boolean(), prompt: z.boolean() }).optional(),
    })
    .optional(),
  /** The private key given, as checked before connecting (engine part 2). Public facts only. */
  key: z
    .object({
      source: z.enum(['file', 'text', 'base64']),
      path: str.optional(),
      format: str.optional(),
      type: str.nullable().optional(),
      bits: num.nullable().optional(),
      fingerprint: str.nullable().optional(),
      /** "<type> <base64>" for authorized_keys, when known. */
      publicKey: str.nullable().optional(),
      encrypted: z.boolean().optional(),
      /** Read in a format ssh2 cannot use directly and converted in memory (e.g. "ppk-v3"). */
      convertedFrom: str.optional(),
      /** Why it cannot be used: a KEY_* diagnosis code and the key reader's words. */
      error: z.object({ code: str, message: str, fix: str, reason: str.optional() }).optional(),
      ms: num.optional(),
      /** What OpenSSH's ssh and PuTTY would make of this key file (its format, its text, its mode); absent when they read it as it is. */
      otherTools: z.array(KeyToolIssueSchema).optional(),
    })
    .optional(),
  sftp: z
    .object({
      path: str.optional(),
      entries: num.optional(),
      error: str.optional(),
      output: str.optional(),
      /** How far the session got: the channel, the subsystem request, the SFTP version exchange, the listing. */
      stage: z.enum(['channel', 'subsystem', 'init', 'realpath', 'opendir', 'readdir', 'done', 'scp']).optional(),
      /** SFTP protocol version the server speaks. */
      version: num.optional(),
      /** The server's exit status or signal for the session, and what it wrote to its error output. */
      exitCode: num.optional(),
      exitSignal: str.optional(),
      stderr: str.optional(),
      /** SFTP status code and message of a refused request (3 = permission denied, 2 = no such file). */
      status: SftpStatusSchema.optional(),
      /** The 4 bytes read as a packet length when text arrived instead of SFTP. */
      bogusLength: num.optional(),
      /** First lines the account's shell prints for a plain command (fetched over exec). */
      shellOutput: str.optional(),
      /** The account's shell ($SHELL), when a command could be run. */
      shell: str.optional(),
      /** The plain command we ran came back (false: something else runs in its place, a forced command or a restricted shell). */
      commandRan: z.boolean().optional(),
      /** What that command wrote to its error output, and its exit status. */
      execStderr: str.optional(),
      execExitCode: num.optional(),
      /** Whether `scp` works over exec (checked once SFTP is missing, or for SCP sites). */
      scp: z.object({ works: z.boolean(), detail: str }).optional(),
      /** Server-side look at ~/.ssh when the key was refused but a password got in. */
      keyCheck: ServerKeyCheckSchema.optional(),
      /** After the start folder was refused: the folder and its parent as the server reports them, and whether the account is chrooted. */
      folderLook: FolderLookSchema.optional(),
    })
    .optional(),
  /** The write test in the start folder (after the listing). */
  write: WriteFactsSchema.optional(),
  /** The idle hold (after the write test), when asked for. */
  hold: HoldFactsSchema.optional(),
  /** Transfer speed, when asked for (a figure, not a verdict). */
  speed: SpeedFactsSchema.optional(),
});

export type AlgorithmLists = z.infer<typeof AlgorithmListsSchema>;
export type AlgorithmCategory = z.infer<typeof AlgorithmCategorySchema>;
export type AlgorithmMismatch = z.infer<typeof AlgorithmMismatchSchema>;
export type ServerInfo = z.infer<typeof ServerInfoSchema>;
export type HostKeyInfo = z.infer<typeof HostKeyInfoSchema>;
export type KnownHostMatch = z.infer<typeof KnownHostMatchSchema>;
export type HostKeyFacts = z.infer<typeof HostKeyFactsSchema>;
export type AuthAttempt = z.infer<typeof AuthAttemptSchema>;
export type ProxyFacts = z.infer<typeof ProxyFactsSchema>;
export type HopFacts = z.infer<typeof HopFactsSchema>;
export type ForwardFacts = z.infer<typeof ForwardFactsSchema>;
export type LocalEndpoint = z.infer<typeof LocalEndpointSchema>;
export type FolderEntry = z.infer<typeof FolderEntrySchema>;
export type FolderLook = z.infer<typeof FolderLookSchema>;
export type ServerKeyCheck = z.infer<typeof ServerKeyCheckSchema>;
export type SftpRefusal = z.infer<typeof SftpRefusalSchema>;
export type KeyToolIssue = z.infer<typeof KeyToolIssueSchema>;
export type WriteFacts = z.infer<typeof WriteFactsSchema>;
export type HoldFacts = z.infer<typeof HoldFactsSchema>;
export type SpeedFacts = z.infer<typeof SpeedFactsSchema>;
export type Facts = z.infer<typeof FactsSchema>;
