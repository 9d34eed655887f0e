/**
 * What the support bundle writer reads. Everything here is safe to show except `secrets`,
 * which is only used for the final scan and never written anywhere.
 */
import type { KeyInspection } from '../../shared/keys';
import type { RunEvent, RunResult } from '../../shared/types';
import type { Secret } from '../common/secret';

/** A fix that was applied before a round, and what the repair step said about applying it. */
export interface AppliedFix {
  id: string;
  label: string;
  /** e.g. "Added the server's key to known_hosts"; never a secret. */
  detail?: string;
}

/** One diagnosis run. A repair produces several: the first attempt, then one per fix applied. */
export interface BundleRound {
  result: RunResult;
  /** The fix applied just before this round (absent for the first attempt). */
  appliedFix?: AppliedFix;
}

/** Facts about the machine and the app, for the admin. Never key material, never agent contents. */
export interface EnvironmentFacts {
  app: { name: string; version: string };
  /** Runtime and library versions: node, electron, chrome, ssh2, sshpk... */
  versions: Record<string, string>;
  os: { platform: string; type: string; release: string; version: string; arch: string };
  locale: string;
  /** Whether an SSH agent answered, and how many keys it offered (null: not known). */
  agent: { available: boolean; keys: number | null; error?: string };
  /** The DNS resolvers this computer uses (nameserver lines of /etc/resolv.conf, else dns.getServers()). */
  resolvers?: { servers: string[]; source: string };
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

export interface KnownHostsLine {
  file: string;
  line: number;
  text: string;
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
