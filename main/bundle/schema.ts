/**
 * The shape of report.json, as a zod schema: report.json is validated against it before it is
 * written, and report.schema.json is generated from it (z.toJSONSchema), so the two cannot drift.
 * Bump REPORT_SCHEMA_VERSION when a field changes meaning or goes away.
 */
import { z } from 'zod';
import { DIAGNOSIS_CODES } from '../../shared/codes';
import { DiagnosisSchema } from '../../shared/schemas/diagnosis';
import { LocalEndpointSchema } from '../../shared/schemas/facts';
import { KeyInspectionSchema } from '../../shared/schemas/keys';
import { RequestSummarySchema, RunResultSchema } from '../../shared/schemas/result';

export const REPORT_SCHEMA_VERSION = 1;

const str = z.string();
const strList = z.array(str);

/** key.json: what the admin needs about the key; the public line only, never private bytes. */
export const KeyReportSchema = KeyInspectionSchema;

/** The DNS resolvers this computer uses, and where that list was read. */
const ResolversSchema = z.object({ servers: strList, source: str });

/** Facts about the machine and the app, for the admin. Never key material, never agent contents. */
export const EnvironmentSchema = z.object({
  app: z.object({ name: str, version: str }),
  /** Runtime and library versions: node, electron, chrome, ssh2, sshpk... */
  versions: z.record(str, str),
  os: z.object({ platform: str, type: str, release: str, version: str, arch: str }),
  locale: str,
  /** Whether an SSH agent answered, and how many keys it offered (null: not known). */
  agent: z.object({ available: z.boolean(), keys: z.number().int().nonnegative().nullable(), error: str.optional() }),
  /** The DNS resolvers this computer uses (nameserver lines of /etc/resolv.conf, else dns.getServers()). */
  resolvers: ResolversSchema.optional(),
});

/** A fix that was applied before a round, and what the repair step said about applying it. */
export const AppliedFixSchema = z.object({
  id: str,
  label: str,
  /** e.g. "Added the server's key to known_hosts"; never a secret. */
  detail: str.optional(),
});

/** A known_hosts line naming the host (only those, not the whole file). */
export const KnownHostsLineSchema = z.object({ file: str, line: z.number().int().positive(), text: str });

/**
 * network.json: the client side of the path, for the admin's firewall: where the connection left
 * from (as this computer sees it; NAT may change it), the resolvers, and the proxy and jump hosts.
 */
export const NetworkSchema = z.object({
  /** This computer's end of the connection to the first hop of the path. */
  local: LocalEndpointSchema.nullable(),
  /** The first hop that connection went to: the server itself, the proxy, or the first jump host ("host:port"). */
  firstHop: z.object({ kind: z.enum(['server', 'proxy', 'jump-host']), name: str }).nullable(),
  /** What the local address means for an allow-list, in words. */
  localNote: str,
  resolvers: ResolversSchema.nullable(),
  /** Who looked up each name of the path: this computer (with the resolvers above), the proxy, or a jump host. */
  lookups: z.array(z.object({ name: str, by: str })),
  /** The proxy as set (type, user, host, port; never its password), the address used and how far it got. */
  proxy: z.object({ setting: str, address: str.nullable(), stage: str.nullable() }).nullable(),
  jumpHosts: strList,
});

export const ReportSchema = z.object({
  schemaVersion: z.literal(REPORT_SCHEMA_VERSION),
  generator: z.object({ name: str, version: str }),
  createdAt: z.iso.datetime(),
  anonymised: z.boolean(),
  /** The outcome of the last round. */
  summary: DiagnosisSchema.pick({ code: true, ok: true, phase: true, title: true, explanation: true, nextStep: true }),
  request: RequestSummarySchema,
  /** Each run, as its result (shared/schemas/result.ts), with the fix applied just before it. */
  rounds: z
    .array(
      z.object({
        round: z.number().int().positive(),
        appliedFix: AppliedFixSchema.nullable(),
        ...RunResultSchema.shape,
      }),
    )
    .min(1),
  fixesTried: z.array(
    z.object({
      round: z.number().int().positive(),
      fix: AppliedFixSchema,
      outcome: z.object({ code: z.enum(DIAGNOSIS_CODES), ok: z.boolean(), title: str }),
    }),
  ),
  adminMessage: str,
  key: KeyReportSchema.nullable(),
  knownHosts: z.array(KnownHostsLineSchema),
  environment: EnvironmentSchema,
  network: NetworkSchema,
  timeline: z.object({ file: z.literal('timeline.log'), events: z.number().int().nonnegative() }),
});

export type Report = z.infer<typeof ReportSchema>;

export function reportJsonSchema(): Record<string, unknown> {
  return {
    ...z.toJSONSchema(ReportSchema, { target: 'draft-2020-12', io: 'output' }),
    title: 'SFTP Doctor support bundle report',
    description: `report.json of an SFTP Doctor support bundle, schemaVersion ${REPORT_SCHEMA_VERSION}.`,
  };
}
