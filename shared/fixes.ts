/**
 * The fix catalog: every repair a diagnosis can offer, with its typed parameters, its kind and its
 * risk. This is the contract between the rules (which offer fixes), main/repair (which carries them
 * out for `sftp-doctor repair --fix ID` and the window's repair service) and the window (which
 * applies form fixes itself with shared/form-fix.ts). `makeFix(id, params)` is the only way to build
 * a Fix: the params are checked against the id at compile time.
 *
 * A fix is a change SFTP Doctor makes and then re-checks:
 *   form    changes only the attempt's settings (host, port, legacy algorithms...): applyFormFix
 *   local   writes a file on this computer (known_hosts, a key file)
 *   server  changes something on the server over SFTP or the server's own dialog
 * What is not a change is not a fix: a message for the administrator, "use an FTP program",
 * "type the password" are actions (shared/actions.ts).
 *
 * Adding a fix: add its params schema to FIX_PARAMS and its meta to FIX_META, its texts to
 * shared/texts/en.ts (FIX_TEXTS; the Record type insists), and its handler in main/repair (the
 * handler table is a mapped type over FixId: a fix without a handler does not compile). A form fix
 * is carried out by applyFormFix in shared/form-fix.ts instead (a switch over FormFixId).
 */
import { z } from 'zod';
import { PASSWORD_IDEAS } from './password-variants';
import { LOGIN_METHODS } from './types';
import { FIX_TEXTS, fillTemplate } from './texts/index';

export const RISK_LEVELS = ['safe', 'confirm', 'dangerous'] as const;
export type RiskLevel = (typeof RISK_LEVELS)[number];
export const FIX_KINDS = ['form', 'local', 'server'] as const;
export type FixKind = (typeof FIX_KINDS)[number];

const text = (max = 4096) => z.string().max(max);
const port = z.number().int().min(1).max(65535);

export const TRIMMABLE_FIELDS = ['host', 'user', 'password', 'passphrase'] as const;
export type TrimmableField = (typeof TRIMMABLE_FIELDS)[number];

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
    categories: z.array(z.enum(['kex', 'serverHostKey', 'cipher', 'mac', 'compression'])).max(16),
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
} as const;

export type FixId = keyof typeof FIX_PARAMS;
export type FixParamsOf<I extends FixId> = z.infer<(typeof FIX_PARAMS)[I]>;

/** Per fix id: what kind of change it is and how careful the user must be. */
export const FIX_META = {
  'split-host-field': { kind: 'form', risk: 'safe' },
  'trim-whitespace': { kind: 'form', risk: 'safe' },
  'use-port': { kind: 'form', risk: 'safe' },
  'use-dns-suggestion': { kind: 'form', risk: 'safe' },
  'increase-timeout': { kind: 'form', risk: 'safe' },
  'allow-legacy-algorithms': { kind: 'form', risk: 'confirm' },
  'trust-host-key': { kind: 'local', risk: 'confirm' },
  'connect-once': { kind: 'form', risk: 'confirm' },
  'replace-host-key': { kind: 'local', risk: 'dangerous' },
  'choose-private-key': { kind: 'form', risk: 'safe' },
  'convert-key': { kind: 'local', risk: 'confirm' },
  'generate-ed25519-key': { kind: 'local', risk: 'confirm' },
  'identities-only': { kind: 'form', risk: 'safe' },
  'change-expired-password': { kind: 'server', risk: 'confirm' },
  'fix-authorized-keys-permissions': { kind: 'server', risk: 'confirm' },
  'install-public-key': { kind: 'server', risk: 'confirm' },
  'use-scp': { kind: 'form', risk: 'confirm' },
  'silence-login-script': { kind: 'server', risk: 'confirm' },
  keepalive: { kind: 'form', risk: 'safe' },
  'use-remote-folder': { kind: 'form', risk: 'safe' },
  'fix-pasted-password': { kind: 'form', risk: 'safe' },
  'use-user': { kind: 'form', risk: 'confirm' },
  'use-sftp': { kind: 'form', risk: 'safe' },
  'use-auth-methods': { kind: 'form', risk: 'safe' },
} as const satisfies Record<FixId, { kind: FixKind; risk: RiskLevel }>;

export const FIX_IDS = Object.keys(FIX_PARAMS) as FixId[];

export function isFixId(id: string): id is FixId {
  return Object.prototype.hasOwnProperty.call(FIX_PARAMS, id);
}

type KindOf<I extends FixId> = (typeof FIX_META)[I]['kind'];
export type FormFixId = { [I in FixId]: KindOf<I> extends 'form' ? I : never }[FixId];
export const FORM_FIX_IDS = FIX_IDS.filter((id): id is FormFixId => FIX_META[id].kind === 'form');

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

/** One fix, typed by its id. */
export type FixOf<I extends FixId> = { id: I; label: string; description: string; risk: RiskLevel; kind: FixKind; params: FixParamsOf<I> };
/** Any fix: a union discriminated by id, so `if (fix.id === 'use-port') fix.params.port` is a number. */
export type Fix = { [I in FixId]: FixOf<I> }[FixId];
export type FormFix = { [I in FormFixId]: FixOf<I> }[FormFixId];

/** Any of the fixes with the ids I (distributes over a union of ids). */
export type FixFor<I extends FixId> = { [K in I]: FixOf<K> }[I];

/** A Fix as it travels (IPC, bundle, CLI JSON): the id decides the params' shape. */
export const FixSchema: z.ZodType<Fix> = z.discriminatedUnion(
  'id',
  FIX_IDS.map((id) => fixSchemaFor(id)) as unknown as [ReturnType<typeof fixSchemaFor<FixId>>, ...ReturnType<typeof fixSchemaFor<FixId>>[]],
) as unknown as z.ZodType<Fix>;

type ParamsArg<I extends FixId> = Record<never, never> extends FixParamsOf<I> ? [params?: FixParamsOf<I>] : [params: FixParamsOf<I>];

/** The only way to offer a fix: typed params, kind and risk from the catalog, texts filled in. */
export function makeFix<I extends FixId>(id: I, ...args: ParamsArg<I>): FixFor<I> {
  const params = (args[0] ?? {}) as FixParamsOf<I>;
  const meta = FIX_META[id];
  const t = FIX_TEXTS[id];
  const vars = params as Record<string, string | number | boolean | string[] | undefined>;
  return { id, label: fillTemplate(t.label, vars), description: fillTemplate(t.description, vars), risk: meta.risk, kind: meta.kind, params } as FixOf<I> as FixFor<I>;
}

export function isFormFix(fix: Fix): fix is FormFix {
  return FIX_META[fix.id].kind === 'form';
}
