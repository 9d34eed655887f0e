/**
 * The shape of report.json, as a zod schema: report.json is validated against it before it is
 * written, and report.schema.json is generated from it (z.toJSONSchema), so the two cannot drift.
 * Bump REPORT_SCHEMA_VERSION when a field changes meaning or goes away.
 */
import { z } from 'zod';
import { DIAGNOSIS_CODES, PHASES, PHASE_STATUSES } from '../../shared/codes';
import { ActionSchema } from '../../shared/action-schemas';
import { FixSchema } from '../../shared/fix-schemas';
import { KEY_FORMATS } from '../../shared/keys';
import type { KeyInspection } from '../../shared/keys';
import { RSA_SIGNATURES, type Diagnosis, type Facts, type RequestSummary, type StepSummary } from '../../shared/types';

export const REPORT_SCHEMA_VERSION = 1;

const str = z.string();
const strList = z.array(str);

const FolderEntrySchema = z.object({
  path: str,
  uid: z.number().optional(),
  gid: z.number().optional(),
  mode: z.number().optional(),
  owner: str.optional(),
  group: str.optional(),
  longname: str.optional(),
  status: z.object({ code: z.number(), message: str }).optional(),
});
const AlgorithmListsSchema = z.object({ kex: strList, serverHostKey: strList, cipher: strList, mac: strList, compression: strList });
const CategorySchema = z.enum(['kex', 'serverHostKey', 'cipher', 'mac', 'compression']);

export const RequestSummarySchema = z.object({
  protocol: z.enum(['sftp', 'scp']),
  host: str,
  port: z.union([z.number(), str, z.null()]),
  user: str,
  passwordGiven: z.boolean(),
  keyGiven: z.boolean(),
  keyPath: str.nullable(),
  passphraseGiven: z.boolean(),
  useAgent: z.boolean(),
  identitiesOnly: z.boolean(),
  legacyAlgorithms: strList,
  legacyAlgorithmsAuto: z.boolean().optional(),
  knownHostsPath: str.nullable(),
  startPath: str.nullable(),
  timeoutMs: z.number(),
  jumpHosts: strList.optional(),
  proxy: str.optional(),
  writeTest: z.boolean().optional(),
  holdSeconds: z.number().optional(),
  keepaliveSeconds: z.number().optional(),
});

export const DiagnosisSchema = z.object({
  code: z.enum(DIAGNOSIS_CODES),
  ok: z.boolean(),
  phase: z.enum(PHASES),
  title: str,
  explanation: str,
  nextStep: str,
  evidence: z.array(z.object({ label: str, value: str, mono: z.boolean().optional(), highlight: z.boolean().optional() })),
  fixes: z.array(FixSchema),
  actions: z.array(ActionSchema),
});

export const StepSchema = z.object({ phase: z.enum(PHASES), hop: z.number().int().nonnegative().optional(), status: z.enum(PHASE_STATUSES), ms: z.number(), detail: str });

const HostKeyInfoSchema = z.object({ type: str, sha256: str, md5: str, publicKey: str });
const KnownHostMatchSchema = z.object({ file: str, line: z.number(), type: str, sha256: str });

const EvidenceSchema = z.object({ label: str, value: str, mono: z.boolean().optional(), highlight: z.boolean().optional() });
const AttemptSchema = z.object({ address: str, result: str, ms: z.number() });

/** This computer's end of a connection (shared/types.ts LocalEndpoint). */
export const LocalEndpointSchema = z.object({ address: str, port: z.number().int(), interface: str.optional() });

export const FactsSchema = z.object({
  proxy: z
    .object({
      type: z.enum(['socks5', 'http']),
      host: str,
      port: z.number(),
      address: str.optional(),
      local: LocalEndpointSchema.optional(),
      target: str,
      stage: z.enum(['dns', 'tcp', 'auth', 'connect', 'done']),
      error: str.optional(),
      attempts: z.array(AttemptSchema).optional(),
      authUsed: z.boolean(),
      socksReply: z.number().optional(),
      httpStatus: z.number().optional(),
      httpReason: str.optional(),
      message: str.optional(),
    })
    .optional(),
  path: z
    .object({
      hops: z.array(
        z.object({
          index: z.number(),
          host: str,
          port: z.number(),
          user: str,
          status: z.enum(['ok', 'failed', 'not-reached']),
          code: z.enum(DIAGNOSIS_CODES).optional(),
          phase: z.enum(PHASES).optional(),
          title: str.optional(),
          explanation: str.optional(),
          nextStep: str.optional(),
          evidence: z.array(EvidenceSchema).optional(),
          fixes: z.array(FixSchema).optional(),
          actions: z.array(ActionSchema).optional(),
          software: str.optional(),
          hostKey: str.optional(),
          local: LocalEndpointSchema.optional(),
        }),
      ),
      failedHop: z.number().optional(),
    })
    .optional(),
  forward: z
    .object({ via: str, viaHop: z.number(), target: str, reason: z.number().optional(), description: str.optional(), error: str.optional(), ms: z.number().optional() })
    .optional(),
  input: z
    .object({
      host: str,
      port: z.number(),
      user: str,
      warnings: strList,
      problem: z.enum(['host-field', 'host-empty', 'port-invalid']).optional(),
      split: z.object({ scheme: str.optional(), user: str.optional(), host: str, port: z.number().optional(), path: str.optional() }).optional(),
      portText: str.optional(),
      whitespace: z.array(z.enum(['host', 'user', 'password', 'passphrase'])).optional(),
      otherProtocolPort: z.number().optional(),
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
      port: z.number(),
      local: LocalEndpointSchema.optional(),
      error: str.optional(),
      attempts: z.array(z.object({ address: str, result: str, ms: z.number() })),
      probes: z.array(z.object({ port: z.number(), result: z.enum(['ssh', 'other', 'closed', 'timeout']), banner: str.optional() })).optional(),
    })
    .optional(),
  server: z.object({ banner: str.nullable(), software: str.nullable(), preBanner: strList, algorithms: AlgorithmListsSchema.nullable() }).optional(),
  banner: z
    .object({
      outcome: z.enum(['ssh', 'closed', 'reset', 'timeout', 'ftp', 'not-ssh', 'ssh1']),
      reason: z.enum(['http', 'tls', 'binary', 'text', 'too-long', 'too-much', 'bad-version']).optional(),
      firstBytes: str.optional(),
      bytesReceived: z.number(),
      waitedMs: z.number(),
    })
    .optional(),
  kex: z
    .object({
      client: AlgorithmListsSchema,
      negotiated: z.partialRecord(CategorySchema, str).optional(),
      mismatch: z.object({ category: CategorySchema, server: strList, client: strList, legacyCandidates: strList }).optional(),
      error: str.optional(),
      chosen: z.array(z.object({ category: CategorySchema, algorithm: str, risk: str })).max(20).optional(),
    })
    .optional(),
  hostkey: z
    .object({
      key: HostKeyInfoSchema,
      status: z.enum(['trusted', 'unknown', 'changed', 'revoked', 'accepted-once']),
      matches: z.array(KnownHostMatchSchema),
      knownHostsFile: str,
      notSaved: str.optional(),
    })
    .optional(),
  auth: z
    .object({
      methods: strList,
      attempts: z.array(
        z.object({
          method: str,
          detail: str.optional(),
          result: z.enum(['success', 'failure', 'partial', 'error']),
          methodsLeft: strList.optional(),
          source: z.enum(['given', 'agent']).optional(),
          keyType: str.optional(),
          note: str.optional(),
          variant: z.enum(['pasted-characters', 'caps-lock']).optional(),
          outsideSite: z.boolean().optional(),
          signature: z.enum(RSA_SIGNATURES).optional(),
          signatureLook: z.boolean().optional(),
        }),
      ),
      banner: str.optional(),
      sigAlgs: strList.optional(),
      disconnect: str.optional(),
      disconnectBy: z.literal('server').optional(),
      closedAfter: str.optional(),
      expired: z.enum(['change-request', 'pam', 'session']).optional(),
      passwordChanged: z.boolean().optional(),
      kbdTexts: strList.optional(),
      secondLook: z.object({ idea: z.enum(['pasted-characters', 'caps-lock']), result: z.enum(['accepted', 'refused']) }).optional(),
      signatureLook: z.object({ used: z.enum(RSA_SIGNATURES), tried: z.enum(RSA_SIGNATURES), result: z.enum(['accepted', 'refused']) }).optional(),
      methodLook: z.object({ method: z.enum(['keyboard-interactive', 'password']), result: z.enum(['accepted', 'refused', 'not-asked', 'second-factor']), siteMethods: z.array(z.enum(['publickey', 'keyboard-interactive', 'password'])) }).optional(),
      lateBanner: str.optional(),
      unanswered: strList.optional(),
      agentKeys: z.number().nullable().optional(),
      success: z.boolean().optional(),
      credentials: z.object({ password: z.boolean(), key: z.boolean(), agent: z.boolean(), prompt: z.boolean() }).optional(),
    })
    .optional(),
  key: z
    .object({
      source: z.enum(['file', 'text', 'base64']),
      path: str.optional(),
      format: str.optional(),
      type: str.nullable().optional(),
      bits: z.number().nullable().optional(),
      fingerprint: str.nullable().optional(),
      publicKey: str.nullable().optional(),
      encrypted: z.boolean().optional(),
      convertedFrom: str.optional(),
      error: z.object({ code: str, message: str, fix: str, reason: str.optional() }).optional(),
      ms: z.number().optional(),
    })
    .optional(),
  sftp: z
    .object({
      path: str.optional(),
      entries: z.number().optional(),
      error: str.optional(),
      output: str.optional(),
      stage: z.enum(['channel', 'subsystem', 'init', 'realpath', 'opendir', 'readdir', 'done', 'scp']).optional(),
      version: z.number().optional(),
      exitCode: z.number().optional(),
      exitSignal: str.optional(),
      stderr: str.optional(),
      status: z.object({ code: z.number(), message: str }).optional(),
      bogusLength: z.number().optional(),
      shellOutput: str.optional(),
      shell: str.optional(),
      commandRan: z.boolean().optional(),
      execStderr: str.optional(),
      execExitCode: z.number().optional(),
      scp: z.object({ works: z.boolean(), detail: str }).optional(),
      keyCheck: z
        .object({
          home: z.object({ path: str, mode: z.number(), uid: z.number() }).optional(),
          sshDir: z.object({ mode: z.number(), uid: z.number() }).nullable().optional(),
          authorizedKeys: z.object({ mode: z.number(), uid: z.number(), size: z.number() }).nullable().optional(),
          userUid: z.number().optional(),
          keyListed: z.boolean().optional(),
          problems: strList,
          error: str.optional(),
        })
        .optional(),
      folderLook: z
        .object({
          folder: FolderEntrySchema,
          parent: FolderEntrySchema.optional(),
          home: str.optional(),
          homeUid: z.number().optional(),
          chroot: z.enum(['yes', 'no', 'unknown']),
          rootNames: strList.optional(),
        })
        .optional(),
    })
    .optional(),
  write: z
    .object({
      skipped: z.enum(['off', 'scp']).optional(),
      folder: str.optional(),
      file: str.optional(),
      stage: z.enum(['open', 'write', 'read', 'compare', 'rename', 'remove', 'done']).optional(),
      bytes: z.number().optional(),
      readBack: z.number().optional(),
      mismatch: z.boolean().optional(),
      refusal: z.object({ request: z.enum(['open', 'write', 'read', 'close', 'rename', 'remove']), code: z.number(), message: str }).optional(),
      error: str.optional(),
      folderAttrs: z.object({ uid: z.number(), gid: z.number(), mode: z.number() }).nullable().optional(),
      homeUid: z.number().optional(),
      space: z.object({ freeBytes: z.number(), totalBytes: z.number(), freeFiles: z.number(), readOnly: z.boolean() }).nullable().optional(),
      statvfs: z.boolean().optional(),
      writableNearby: strList.optional(),
      leftoversRemoved: strList.optional(),
      leftBehind: z.boolean().optional(),
      requests: z.number().optional(),
      roundTrips: z.number().optional(),
    })
    .optional(),
  hold: z
    .object({
      seconds: z.number(),
      outcome: z.enum(['alive', 'reset', 'closed', 'silent']),
      survivedMs: z.number(),
      exact: z.boolean(),
      keepaliveSeconds: z.number().optional(),
      error: str.optional(),
      probeMs: z.number().optional(),
    })
    .optional(),
  speed: z
    .object({
      bytes: z.number(),
      uploadMBps: z.number().optional(),
      downloadMBps: z.number().optional(),
      openssh: z.union([z.object({ uploadMBps: z.number(), downloadMBps: z.number() }), z.object({ unavailable: str })]).optional(),
      verified: z.boolean().optional(),
      error: str.optional(),
      oursSlower: z.boolean().optional(),
    })
    .optional(),
});

/** key.json: what the admin needs about the key; the public line only, never private bytes. */
export const KeyReportSchema = z.object({
  kind: z.enum(['private', 'public', 'certificate', 'invalid']),
  format: z.enum(KEY_FORMATS),
  type: str.nullable(),
  bits: z.number().nullable(),
  curve: str.nullable(),
  comment: str.nullable(),
  encrypted: z.boolean(),
  encryption: z
    .object({
      cipher: str,
      kdf: str,
      rounds: z.number().optional(),
      memoryKiB: z.number().optional(),
      passes: z.number().optional(),
      parallelism: z.number().optional(),
    })
    .nullable(),
  fingerprint_sha256: str.nullable(),
  fingerprint_md5: str.nullable(),
  publicKeyLine: str.nullable(),
  passphraseChecked: z.boolean(),
  problems: z.array(
    z.object({ code: str, message: str, fix: str, severity: z.enum(['error', 'warning', 'info']).optional(), reason: str.optional() }),
  ),
  repairs: strList,
});

export const EnvironmentSchema = z.object({
  app: z.object({ name: str, version: str }),
  versions: z.record(str, str),
  os: z.object({ platform: str, type: str, release: str, version: str, arch: str }),
  locale: str,
  agent: z.object({ available: z.boolean(), keys: z.number().int().nonnegative().nullable(), error: str.optional() }),  /** The DNS resolvers this computer uses, and where that list was read. */
  resolvers: z.object({ servers: strList, source: str }).optional(),
});

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
  resolvers: z.object({ servers: strList, source: str }).nullable(),
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
  rounds: z
    .array(
      z.object({
        round: z.number().int().positive(),
        runId: str,
        startedAt: str,
        totalMs: z.number(),
        appliedFix: z.object({ id: str, label: str, detail: str.optional() }).nullable(),
        request: RequestSummarySchema,
        diagnosis: DiagnosisSchema,
        steps: z.array(StepSchema),
        facts: FactsSchema,
      }),
    )
    .min(1),
  fixesTried: z.array(
    z.object({
      round: z.number().int().positive(),
      fix: z.object({ id: str, label: str, detail: str.optional() }),
      outcome: z.object({ code: z.enum(DIAGNOSIS_CODES), ok: z.boolean(), title: str }),
    }),
  ),
  adminMessage: str,
  key: KeyReportSchema.nullable(),
  knownHosts: z.array(z.object({ file: str, line: z.number().int().positive(), text: str })),
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

// Compile-time proof that the schemas accept exactly what the shared types hold: a field added to
// a shared type without a schema change fails the type check here, not silently in an export.
type Same<A, B> = [A] extends [B] ? ([B] extends [A] ? true : false) : false;
const _facts: Same<z.infer<typeof FactsSchema>, Facts> = true;
// Optional fields do not break Same<>: also require the schema to name every field of Facts' parts,
// so a new fact cannot be silently dropped from report.json.
type AllKeys<T> = T extends object ? keyof T : never;
type Covered<T, S> = { [K in keyof T]-?: Exclude<AllKeys<NonNullable<T[K]>>, AllKeys<NonNullable<K extends keyof S ? S[K] : never>>> };
type Uncovered = Covered<Facts, z.infer<typeof FactsSchema>>[keyof Facts];
const _allFacts: [Uncovered] extends [never] ? true : false = true;
const _diagnosis: Same<z.infer<typeof DiagnosisSchema>, Diagnosis> = true;
const _steps: Same<z.infer<typeof StepSchema>, StepSummary> = true;
const _request: Same<z.infer<typeof RequestSummarySchema>, RequestSummary> = true;
const _key: Same<z.infer<typeof KeyReportSchema>, KeyInspection> = true;
void [_facts, _allFacts, _diagnosis, _steps, _request, _key];
