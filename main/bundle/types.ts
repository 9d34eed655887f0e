/**
 * What the support bundle writer reads. Everything here is safe to show except `secrets`,
 * which is only used for the final scan and never written anywhere.
 */
import type { KeyInspection } from '../../shared/keys';
import type { RunEvent, RunResult } from '../../shared/types';
import type { z } from 'zod';
import type { Secret } from '../common/secret';
import type { AppliedFixSchema, EnvironmentSchema, KnownHostsLineSchema } from './schema';

// Declared once, as the report's zod schemas (./schema.ts); imported type-only, so this costs nothing at run time.
export type AppliedFix = z.infer<typeof AppliedFixSchema>;
export type EnvironmentFacts = z.infer<typeof EnvironmentSchema>;
export type KnownHostsLine = z.infer<typeof KnownHostsLineSchema>;

/** One diagnosis run. A repair produces several: the first attempt, then one per fix applied. */
export interface BundleRound {
  result: RunResult;
  /** The fix applied just before this round (absent for the first attempt). */
  appliedFix?: AppliedFix;
}

export interface BundleInput {
  /** The attempt(s) in the order they ran; at least one. */
  rounds: BundleRound[];
  /** Every event of those runs, in order (phase changes, engine and ssh debug log lines). */
  events: RunEvent[];
  /** The key that was involved, as the inspector saw it. */
  keyInspection?: KeyInspection | null;
  /** The known_hosts line(s) naming this host (only those, not the whole file). */
  knownHostsLines?: KnownHostsLine[];
  environment: EnvironmentFacts;
  /** Every secret used in the session (password, passphrase, keyboard-interactive answers, private key text). */
  secrets: Secret[];
  /** When the bundle is made; default now. */
  createdAt?: Date;
  /**
   * More names the anonymiser must replace (e.g. this machine's host name and login name, which
   * can appear in key comments and paths). buildBundle adds the local ones itself.
   */
  extraNames?: { hosts?: string[]; users?: string[] };
}

export interface BundleFile {
  name: string;
  bytes: number;
  text: string;
}

export interface BuildOptions {
  anonymise: boolean;
}

export interface BuiltBundle {
  files: BundleFile[];
  zip: Uint8Array;
}
