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
 * The catalog here is plain data and TypeScript types: offering a fix loads no validator (the
 * command line starts faster for it). The params' schemas, which give the params their types, are in
 * shared/fix-schemas.ts, loaded only where a fix is validated (IPC, support bundles, tests).
 *
 * Adding a fix: add its params schema to FIX_PARAMS (shared/fix-schemas.ts) and its meta to
 * FIX_META, its texts to shared/texts/en.ts (FIX_TEXTS; the Record type insists), and its handler
 * in main/repair (the handler table is a mapped type over FixId: a fix without a handler does not
 * compile). A form fix is carried out by applyFormFix in shared/form-fix.ts instead (a switch over
 * FormFixId).
 */
import type { z } from 'zod';
import type { FIX_PARAMS } from './fix-schemas';
import { FIX_TEXTS, fillTemplate } from './texts/index';

export const RISK_LEVELS = ['safe', 'confirm', 'dangerous'] as const;
export type RiskLevel = (typeof RISK_LEVELS)[number];
export const FIX_KINDS = ['form', 'local', 'server'] as const;
export type FixKind = (typeof FIX_KINDS)[number];

/** What rewrite-key-file does to a key file, in this order. */
export const KEY_REWRITE_STEPS = ['private-mode', 'clean-text', 'openssh-copy'] as const;
export type KeyRewriteStep = (typeof KEY_REWRITE_STEPS)[number];

export const TRIMMABLE_FIELDS = ['host', 'user', 'password', 'passphrase'] as const;
export type TrimmableField = (typeof TRIMMABLE_FIELDS)[number];

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
  'rewrite-key-file': { kind: 'local', risk: 'confirm' },
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
  'use-rsa-signature': { kind: 'form', risk: 'safe' },
} as const satisfies Record<FixId, { kind: FixKind; risk: RiskLevel }>;

export const FIX_IDS = Object.keys(FIX_META) as FixId[];

export function isFixId(id: string): id is FixId {
  return Object.prototype.hasOwnProperty.call(FIX_META, id);
}

type KindOf<I extends FixId> = (typeof FIX_META)[I]['kind'];
export type FormFixId = { [I in FixId]: KindOf<I> extends 'form' ? I : never }[FixId];
export const FORM_FIX_IDS = FIX_IDS.filter((id): id is FormFixId => FIX_META[id].kind === 'form');

/** One fix, typed by its id. */
export type FixOf<I extends FixId> = { id: I; label: string; description: string; risk: RiskLevel; kind: FixKind; params: FixParamsOf<I> };
/** Any fix: a union discriminated by id, so `if (fix.id === 'use-port') fix.params.port` is a number. */
export type Fix = { [I in FixId]: FixOf<I> }[FixId];
export type FormFix = { [I in FormFixId]: FixOf<I> }[FormFixId];

/** Any of the fixes with the ids I (distributes over a union of ids). */
export type FixFor<I extends FixId> = { [K in I]: FixOf<K> }[I];

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
