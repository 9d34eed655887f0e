/**
 * What the form (or CLI flags, or a saved site) asks the engine to do: the request, the settings
 * a site keeps and the answers to the engine's questions. Each zod schema here is the one
 * declaration of its contract: the TypeScript type is z.infer of it (re-exported type-only by
 * shared/types.ts and shared/sites.ts), and main validates every request that crosses into it
 * with the same schema (main/services/schemas.ts), and every saved site it reads
 * (main/store/sites.ts).
 *
 * This module loads zod: import it only where data is validated; elsewhere `import type`.
 * Secrets appear ONLY in ConnectionRequest (input) and PromptAnswer.
 */
import { z } from 'zod';
import { LOGIN_METHODS, RSA_SIGNATURES } from '../types';

/** Longest ordinary text field (host, user, paths, passwords): longer is a mistake or an attack. */
export const MAX_TEXT = 4096;
/** The key library refuses larger key files with its own message. */
export const MAX_KEY_TEXT = 1024 * 1024;
export const text = (max = MAX_TEXT) => z.string().max(max);
/** Base64 of at most `bytes` bytes. */
export const base64Of = (bytes: number) => text(Math.ceil((bytes * 4) / 3) + 4);

export const ProtocolSchema = z.enum(['sftp', 'scp']);
export const TcpPortSchema = z.number().int().min(1).max(65535);
const tcpPort = TcpPortSchema;

/** A private key as the user gave it: a file path, or pasted text. */
export const KeySourceSchema = z.strictObject({
  path: text().optional(),
  /** Pasted key text (a secret when it is a private key). */
  text: text(MAX_KEY_TEXT).optional(),
  /** The key file's bytes in base64, for binary keys (SSH-1) handed over by the UI (a secret too). */
  base64: base64Of(MAX_KEY_TEXT).optional(),
});

/** A jump host (OpenSSH ProxyJump, WinSCP's Tunnel page) as saved: no secret. */
export const JumpHostSpecSchema = z.strictObject({
  host: text(1000).min(1),
  /** Default 22. */
  port: tcpPort.optional(),
  /** Default: the target's user name. */
  user: text(1000).optional(),
});

/** A jump host for one run. Logs in with its own password when given, else the target's key / agent. */
export const JumpHostSchema = JumpHostSpecSchema.extend({
  /** SECRET. */
  password: text().optional(),
});

export const ProxyTypeSchema = z.enum(['socks5', 'http']);

/** A SOCKS5 or HTTP CONNECT proxy the first connection goes through, as saved: no secret. */
export const ProxySpecSchema = z.strictObject({
  type: ProxyTypeSchema,
  host: text(1000).min(1),
  port: tcpPort,
  user: text(1000).optional(),
});

export const ProxyRequestSchema = ProxySpecSchema.extend({
  /** SECRET. */
  password: text().optional(),
});

/** At most 8 jump hosts: a longer chain is surely a mistake (OpenSSH has no limit, but no one needs one). */
export const MAX_JUMPS = 8;

/**
 * The connection settings a site keeps (everything of a request but the secrets). The bounds are
 * those of the data itself, wherever it comes from: an imported site may keep PuTTY's keepalive
 * of an hour or more, and `diagnose --timeout` takes up to an hour; the window and the CLI check
 * their own fields more narrowly.
 */
export const SiteSettingsSchema = z.strictObject({
  protocol: ProtocolSchema,
  /** Exactly what the user typed in the host field, spaces and all. */
  host: text(),
  /** As typed: a number, or text that may not be one. Empty/undefined means the protocol default. */
  port: z.union([z.number(), text(100)]).optional(),
  user: text(),
  privateKey: KeySourceSchema.optional(),
  /** Use a running ssh-agent's keys (default true, like OpenSSH, PuTTY and WinSCP). */
  useAgent: z.boolean().optional(),
  /**
   * The login methods this site's program uses (OpenSSH PreferredAuthentications, WinSCP's
   * "Attempt keyboard-interactive authentication"); absent or empty: all of them.
   */
  authMethods: z.array(z.enum(LOGIN_METHODS)).max(3).optional(),
  /**
   * The signature algorithm an RSA key signs the login with; absent: the engine's own choice
   * from the server's list (server-sig-algs), rsa-sha2-256 first.
   */
  rsaSignature: z.enum(RSA_SIGNATURES).optional(),
  /** Only try the selected key (OpenSSH IdentitiesOnly). */
  identitiesOnly: z.boolean().optional(),
  /** Weak algorithms this site is allowed to use, by name (e.g. "diffie-hellman-group1-sha1"). */
  legacyAlgorithms: z.array(text(200)).max(100).optional(),
  /** Send an SSH keepalive every N seconds once logged in (0 or absent: none). */
  keepaliveSeconds: z.number().int().min(0).max(86_400).optional(),
  /** known_hosts file to check against; default: the app's own store. */
  knownHostsPath: text().optional(),
  /** Directory to list once connected (from an sftp:// URL path); default: home. */
  startPath: text().optional(),
  /** Overall budget for the run, in milliseconds (absent or 0: 10 000, shared/defaults.ts). */
  timeoutMs: z.number().int().min(0).max(3_600_000).optional(),
  /**
   * After the listing, write a small temporary file in the start folder, read it back and remove
   * it (default true; false for read-only accounts).
   */
  writeTest: z.boolean().optional(),
  /** After the listing (and write test), stay idle this many seconds, then prove the session still answers. */
  holdSeconds: z.number().int().min(0).max(3600).optional(),
  /** Jump hosts, in order (the first is reached directly or through the proxy). */
  jumpHosts: z.array(JumpHostSpecSchema).max(MAX_JUMPS).optional(),
  /** A proxy for the first connection of the path. */
  proxy: ProxySpecSchema.optional(),
});

/** What the form (or CLI flags, or a saved site) asks the engine to do. */
export const ConnectionRequestSchema = SiteSettingsSchema.extend({
  /** SECRET. */
  password: text().optional(),
  /** SECRET. */
  passphrase: text().optional(),
  /** Measure upload and download speed with a few MB once everything works (this run only). */
  speedTest: z.boolean().optional(),
  /**
   * Choose weak algorithms from the server's offer, on the same connection: per category the
   * server leaves no modern choice in, the least weak one it offers (on top of legacyAlgorithms).
   * This run only: a saved site keeps names.
   */
  legacyAlgorithmsAuto: z.boolean().optional(),
  /** Trust this host key fingerprint (SHA256:... or MD5:...) for this run only ("Connect once"). */
  acceptHostKey: text(128).optional(),
  /** The saved site this request came from: main fills in its saved password when none is given. */
  siteId: text(128).optional(),
  /** Jump hosts, in order (the first is reached directly or through the proxy). */
  jumpHosts: z.array(JumpHostSchema).max(MAX_JUMPS).optional(),
  /** A proxy for the first connection of the path. */
  proxy: ProxyRequestSchema.optional(),
});

/** The user's answer to a PromptRequest (shared/types.ts). */
export const PromptAnswerSchema = z.discriminatedUnion('kind', [
  z.strictObject({ promptId: text(128), kind: z.literal('hostkey'), decision: z.enum(['trust', 'once', 'cancel']) }),
  z.strictObject({ promptId: text(128), kind: z.literal('secret'), answers: z.array(text()).max(16).nullable() }),
]);

export type Protocol = z.infer<typeof ProtocolSchema>;
export type KeySource = z.infer<typeof KeySourceSchema>;
export type JumpHostSpec = z.infer<typeof JumpHostSpecSchema>;
export type JumpHost = z.infer<typeof JumpHostSchema>;
export type ProxyType = z.infer<typeof ProxyTypeSchema>;
export type ProxySpec = z.infer<typeof ProxySpecSchema>;
export type ProxyRequest = z.infer<typeof ProxyRequestSchema>;
export type SiteSettings = z.infer<typeof SiteSettingsSchema>;
export type ConnectionRequest = z.infer<typeof ConnectionRequestSchema>;
export type PromptAnswer = z.infer<typeof PromptAnswerSchema>;
