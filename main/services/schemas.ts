/**
 * Runtime validation of every argument that crosses into main, whichever transport brought it.
 * Each schema is checked at compile time against the shared type it stands for.
 */
import { z } from 'zod';
import type { ApiRequests, FileUpload, KeyInput, RequestChannel } from '../../shared/api';
import { MAX_CHECK_JOBS } from '../../shared/check';
import { KEY_TARGET_FORMATS } from '../../shared/keys';
import type { ImportSource, SiteDraft, SiteSettings } from '../../shared/sites';
import { LOGIN_METHODS, type ConnectionRequest, type PromptAnswer } from '../../shared/types';

const MAX_TEXT = 4096;
const MAX_KEY_TEXT = 1024 * 1024; // the key library refuses larger files with its own message
const text = (max = MAX_TEXT) => z.string().max(max);

const keySource = z.strictObject({ path: text().optional(), text: text(MAX_KEY_TEXT).optional(), base64: text(Math.ceil((MAX_KEY_TEXT * 4) / 3) + 4).optional() });

const settingsShape = {
  protocol: z.enum(['sftp', 'scp']),
  host: text(),
  port: z.union([z.number(), text(64)]).optional(),
  user: text(),
  privateKey: keySource.optional(),
  useAgent: z.boolean().optional(),
  authMethods: z.array(z.enum(LOGIN_METHODS)).max(3).optional(),
  identitiesOnly: z.boolean().optional(),
  legacyAlgorithms: z.array(text(128)).max(64).optional(),
  keepaliveSeconds: z.number().int().min(0).max(3600).optional(),
  knownHostsPath: text().optional(),
  startPath: text().optional(),
  timeoutMs: z.number().int().min(500).max(120_000).optional(),
  writeTest: z.boolean().optional(),
  holdSeconds: z.number().int().min(0).max(3600).optional(),
};

const pathPort = z.number().int().min(1).max(65535);
const jumpSpec = { host: text(1000).min(1), port: pathPort.optional(), user: text(1000).optional() };
const proxySpec = { type: z.enum(['socks5', 'http']), host: text(1000).min(1), port: pathPort, user: text(1000).optional() };
/** At most 8 jump hosts: a longer chain is surely a mistake (OpenSSH has no limit, but no one needs one). */
const MAX_JUMPS = 8;

export const connectionRequestSchema = z.strictObject({
  ...settingsShape,
  jumpHosts: z.array(z.strictObject({ ...jumpSpec, password: text().optional() })).max(MAX_JUMPS).optional(),
  proxy: z.strictObject({ ...proxySpec, password: text().optional() }).optional(),
  password: text().optional(),
  passphrase: text().optional(),
  acceptHostKey: text(128).optional(),
  siteId: text(128).optional(),
  speedTest: z.boolean().optional(),
}) satisfies z.ZodType<ConnectionRequest>;

const siteSettingsSchema = z.strictObject({
  ...settingsShape,
  jumpHosts: z.array(z.strictObject(jumpSpec)).max(MAX_JUMPS).optional(),
  proxy: z.strictObject(proxySpec).optional(),
}) satisfies z.ZodType<SiteSettings>;

const siteDraftSchema = z.strictObject({
  id: text(128).optional(),
  name: text(256).min(1),
  folder: text(1024),
  settings: siteSettingsSchema,
  password: text().optional(),
  forgetPassword: z.boolean().optional(),
}) satisfies z.ZodType<SiteDraft>;

const promptAnswerSchema = z.discriminatedUnion('kind', [
  z.strictObject({ promptId: text(128), kind: z.literal('hostkey'), decision: z.enum(['trust', 'once', 'cancel']) }),
  z.strictObject({ promptId: text(128), kind: z.literal('secret'), answers: z.array(text()).max(16).nullable() }),
]) satisfies z.ZodType<PromptAnswer>;

const keyInputSchema = z
  .strictObject({ name: text(1024).optional(), path: text().optional(), text: text(MAX_KEY_TEXT).optional(), base64: text(Math.ceil((MAX_KEY_TEXT * 4) / 3) + 4).optional() })
  .refine((k) => k.path !== undefined || k.text !== undefined || k.base64 !== undefined, 'A key needs its content or a path.') satisfies z.ZodType<KeyInput>;

/** An uploaded settings file: the import reads at most 10 MB. */
const MAX_UPLOAD_BYTES = 10 * 1024 * 1024;
const fileUpload = z.strictObject({ name: text(1024).min(1), base64: text(Math.ceil((MAX_UPLOAD_BYTES * 4) / 3) + 4) }) satisfies z.ZodType<FileUpload>;
const importFile = z.union([text(), fileUpload]);

const importSource = z.enum(['openssh', 'putty', 'winscp', 'filezilla']) satisfies z.ZodType<ImportSource>;
const id = text(128).min(1);

/** One tuple schema per channel; the mapped type makes a missing or mistyped channel a compile error. */
export const argSchemas: { [K in RequestChannel]: z.ZodType<ApiRequests[K]['args']> } = {
  'app:info': z.tuple([]),
  'diagnose:start': z.tuple([connectionRequestSchema]),
  'diagnose:cancel': z.tuple([id]),
  'prompt:answer': z.tuple([id, promptAnswerSchema]),
  'sites:list': z.tuple([]),
  'sites:save': z.tuple([siteDraftSchema]),
  'sites:delete': z.tuple([id]),
  'sites:import-preview': z.union([z.tuple([importSource]), z.tuple([importSource, importFile])]),
  'sites:import': z.tuple([importSource, z.array(text(256)).max(10_000), z.strictObject({ file: importFile.optional(), includePasswords: z.boolean() })]),
  'sites:discover': z.tuple([]),
  'repair:plan': z.tuple([id, text(64).min(1)]),
  'repair:apply': z.tuple([
    id,
    text(64).min(1),
    z.strictObject({ confirmed: z.boolean(), fingerprint: text(256).optional(), newPassword: text().optional(), newPassphrase: text().optional(), folder: text().optional(), password: text().optional() }),
  ]),
  'bundle:preview': z.tuple([id, z.strictObject({ anonymise: z.boolean() })]),
  'bundle:export': z.tuple([id, z.strictObject({ anonymise: z.boolean() })]),
  'keys:inspect': z.union([z.tuple([keyInputSchema]), z.tuple([keyInputSchema, text()])]),
  'keys:convert': z.tuple([keyInputSchema, z.enum(KEY_TARGET_FORMATS), z.strictObject({ passphrase: text().optional(), newPassphrase: text().optional(), noPassphrase: z.boolean().optional() })]),
  'check:start': z.tuple([
    z.strictObject({ folder: text(1024).optional(), siteIds: z.array(id).max(10_000).optional(), jobs: z.number().int().min(1).max(MAX_CHECK_JOBS).optional() }),
  ]),
  'check:cancel': z.tuple([id]),
};

/** Describes what was wrong with the arguments without echoing their values (they may hold secrets). */
export function describeIssues(error: z.ZodError): string {
  return error.issues
    .slice(0, 5)
    .map((issue) => `${issue.path.length ? issue.path.join('.') : 'arguments'}: ${issue.message}`)
    .join('; ');
}
