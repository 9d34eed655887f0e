/**
 * Data that crosses between the engine, the front ends and the bundle writer.
 * Types only (and one list): importing this module never loads zod. Every contract that is
 * validated somewhere is declared once, as a zod schema in shared/schemas/, and its type is
 * re-exported here with `export type`; what nobody validates (events, prompts, app info) is
 * declared here. Secrets appear ONLY in ConnectionRequest and PromptAnswer (input); nothing the
 * engine emits (events, diagnosis, evidence) has a field that can hold one.
 */
import type { Phase, PhaseStatus } from './codes';
import type { HostKeyInfo, KnownHostMatch } from './schemas/facts';
import type { RunResult } from './schemas/result';

/** Login methods a site may use, in OpenSSH's order (PreferredAuthentications). */
export const LOGIN_METHODS = ['publickey', 'keyboard-interactive', 'password'] as const;
export type LoginMethod = (typeof LOGIN_METHODS)[number];

/**
 * The signature algorithms an RSA key can sign a login with (RFC 8332), in the order OpenSSH,
 * PuTTY and WinSCP prefer them; "ssh-rsa" is the old SHA-1 kind.
 */
export const RSA_SIGNATURES = ['rsa-sha2-512', 'rsa-sha2-256', 'ssh-rsa'] as const;
export type RsaSignature = (typeof RSA_SIGNATURES)[number];

/** The algorithm categories of an SSH key exchange offer, in the order of the KEXINIT message. */
export const ALGORITHM_CATEGORIES = ['kex', 'serverHostKey', 'cipher', 'mac', 'compression'] as const;

// The request's contracts are zod schemas (shared/schemas/request.ts); their types, type-only here
// so that importing this module never loads zod.
export type { ConnectionRequest, JumpHost, JumpHostSpec, KeySource, PromptAnswer, Protocol, ProxyRequest, ProxySpec, ProxyType } from './schemas/request';

export type { Fix, FixId, FixKind, RiskLevel } from './fixes';
export type { Action } from './actions';

// What a run finds and concludes is declared once, as zod schemas (shared/schemas/facts.ts,
// diagnosis.ts, result.ts): the support bundle validates report.json with them. Their types:
export type { Diagnosis, DiagnosisWarning, EvidenceItem } from './schemas/diagnosis';
export type {
  AlgorithmCategory,
  AlgorithmLists,
  AlgorithmMismatch,
  AuthAttempt,
  Facts,
  FolderEntry,
  FolderLook,
  ForwardFacts,
  HoldFacts,
  HopFacts,
  HostKeyFacts,
  HostKeyInfo,
  KeyToolIssue,
  KnownHostMatch,
  LocalEndpoint,
  ProxyFacts,
  ServerInfo,
  ServerKeyCheck,
  SftpRefusal,
  SpeedFacts,
  WriteFacts,
} from './schemas/facts';
export type { RequestSummary, RunResult, StepSummary } from './schemas/result';

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
