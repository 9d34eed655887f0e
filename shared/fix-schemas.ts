/**
 * The schemas of the fix catalog (shared/fixes.ts): each fix's params, and a whole Fix as it travels
 * (IPC, support bundles, CLI JSON). Loaded only where a fix is validated, so that offering a fix
 * (the rules, the command line) does not load zod; the catalog takes its params' types from here.
 */
import { z } from 'zod';
import { FIX_IDS, FIX_KINDS, KEY_REWRITE_STEPS, RISK_LEVELS, TRIMMABLE_FIELDS, type Fix, type FixId } from './fixes';
import { PASSWORD_IDEAS } from './password-variants';
import { TcpPortSchema as port, text } from './schemas/request';
import { ALGORITHM_CATEGORIES, LOGIN_METHODS, RSA_SIGNATURES } from './types';

/** Per fix id: the parameters it carries (validated wherever a fix crosses a boundary). */
export const FIX_PARAMS = {
  /** Each part of a pasted address into its own field. */
  'split-host-field': z.strictObject({ host: text(), user: text().optional(), port: port.optional(), path: text().optional(), scheme: text(16).optional() }),
  'trim-whitespace': z.strictObject({ fields: z.array(z.enum(TRIMMABLE_FIELDS)).max(4) }),
  'use-port': z.strictObject({ port }),
  'use-dns-suggestion': z.strictObject({ host: text(255) }),
  'increase-timeout': z.strictObject({ seconds: z.number().int().min(1).max(120) }),
  /** Only what the server's offer needs: the least weak name per category that had nothing in common. */
  'allow-legacy-algorithms': z.strictObject({
    algorithms: z.array(text(128)).min(1).max(16),
    /** The category each algorithm above is for (same order). */
    categories: z.array(z.enum(ALGORITHM_CATEGORIES)).max(16),
    /** Why each algorithm above is weak, in plain words (same order). */
    risks: z.array(text(512)).max(16),
  }),
  'trust-host-key': z.strictObject({ host: text(), port, type: text(64), sha256: text(128), md5: text(128), publicKey: text(16384), file: text() }),
  'connect-once': z.strictObject({ sha256: text(128) }),
  'replace-host-key': z.strictObject({ host: text(), port, type: text(64), sha256: text(128), md5: text(128), publicKey: text(16384), file: text(), oldSha256: text(128), line: z.number().int().min(0) }),
  /** The private key file the product found (beside the .pub that was given). */
  'choose-private-key': z.strictObject({ path: text() }),
  'convert-key': z.strictObject({ from: text(64), to: z.enum(['openssh', 'pem', 'ppk-v3', 'ppk-v2']), path: text() }),
  'generate-ed25519-key': z.strictObject({}),
  /**
   * A key file that logged in here but that OpenSSH or PuTTY refuse: what to do to it. The original
   * bytes are kept (a .bak beside it, or the file itself when a copy is written next to it).
   */
  'rewrite-key-file': z.strictObject({
    path: text(),
    /** The key's format as found (e.g. "ppk-v3", "openssh"). */
    format: text(64),
    /** private-mode: chmod 600; clean-text: undo CRLF, a BOM... in place; openssh-copy: write an OpenSSH copy beside it. */
    steps: z.array(z.enum(KEY_REWRITE_STEPS)).min(1).max(3),
    /** The programs that will read it afterwards, in words ("OpenSSH", "PuTTY"). */
    tools: text(64),
  }),
  'identities-only': z.strictObject({}),
  'change-expired-password': z.strictObject({ via: z.enum(['pam', 'change-request', 'session']) }),
  'fix-authorized-keys-permissions': z.strictObject({ path: text(), mode: text(8) }),
  'install-public-key': z.strictObject({ publicKey: text(16384), fingerprint: text(128) }),
  'use-scp': z.strictObject({}),
  'silence-login-script': z.strictObject({ file: text(), guard: text(256), shell: text(64) }),
  keepalive: z.strictObject({ seconds: z.number().int().min(1).max(3600) }),
  /** A folder where the write test could create a file (a subfolder of the one refused). */
  'use-remote-folder': z.strictObject({ path: text() }),
  /** The one correction that made the server accept the password (shared/password-variants.ts), and its words. */
  'fix-pasted-password': z.strictObject({ idea: z.enum(PASSWORD_IDEAS), what: text(256) }),
  /** The user name the server asked for. */
  'use-user': z.strictObject({ user: text(64) }),
  'use-sftp': z.strictObject({}),
  /** The site's login methods with the one that worked added (in OpenSSH's order). */
  'use-auth-methods': z.strictObject({ methods: z.array(z.enum(LOGIN_METHODS)).min(1).max(3), added: z.enum(LOGIN_METHODS) }),
  /** The signature algorithm the site's RSA key signs with (the one the server accepted). */
  'use-rsa-signature': z.strictObject({ algorithm: z.enum(RSA_SIGNATURES) }),
} as const;

function fixSchemaFor<I extends FixId>(id: I) {
  return z.strictObject({
    id: z.literal(id),
    label: text(),
    description: text(16384),
    risk: z.enum(RISK_LEVELS),
    kind: z.enum(FIX_KINDS),
    params: FIX_PARAMS[id],
  });
}

/** A Fix as it travels (IPC, bundle, CLI JSON): the id decides the params' shape. */
export const FixSchema: z.ZodType<Fix> = z.discriminatedUnion(
  'id',
  FIX_IDS.map((id) => fixSchemaFor(id)) as unknown as [ReturnType<typeof fixSchemaFor<FixId>>, ...ReturnType<typeof fixSchemaFor<FixId>>[]],
) as unknown as z.ZodType<Fix>;

