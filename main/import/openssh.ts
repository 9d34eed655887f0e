/**
 * OpenSSH client config (~/.ssh/config) -> sites, with the maintained `ssh-config` parser.
 *
 * Every concrete alias of a Host line becomes a site; patterns (Host *, Host *.corp) are not
 * sites, but their settings apply to the aliases they match, first value wins, as `ssh -G` does.
 * Include files are read in place (relative to ~/.ssh, globs, nested up to 16 deep, each file
 * once). Match blocks are evaluated per host as `ssh -G` does (host, originalhost, user,
 * localuser, all, canonical, final); `Match exec` commands are never run and such a block is
 * named in the site's notes. Settings a site cannot hold are listed as "Not carried over". A line
 * the parser cannot read is reported with its file and line and skipped, so the rest imports.
 */
import os from 'node:os';
import path from 'node:path';
import SSHConfig, { LineType, type Line, type Section } from 'ssh-config';
import { parseJumpList } from '../../shared/path';
import type { SiteSettings } from '../../shared/sites';
import { LOGIN_METHODS, RSA_SIGNATURES, type JumpHostSpec, type LoginMethod, type RsaSignature } from '../../shared/types';
import { MAX_SITES_PER_FILE, emptyResult, limitProblems, makeCandidate, parsePort, pushAll, tooManySites, type ImportProblem, type ParsedSource } from './common';
import { mapProxyCommand } from './path';
import { LEGACY_ALGORITHMS } from '../diagnose/algorithms';
import { sshPatternMatch } from '../../shared/wildcard';

export interface IncludedFile {
  file: string;
  text: string;
}

export interface OpenSshParseOptions {
  /** Absolute path of the config file (for messages, origins and relative Includes). */
  file: string;
  text: string;
  home: string;
  /** The local user name: ssh logs in with it when the config names no User (%u). */
  localUser: string;
  /** %l */
  localHost?: string;
  /** Reads the files an Include pattern (absolute, may hold * and ?) matches, sorted. */
  readIncluded?: (pattern: string) => Promise<IncludedFile[]>;
  /** The user's ~/.ssh/known_hosts exists: imported sites use it (same format as ours). */
  knownHostsFile?: string;
}

const MAX_INCLUDE_DEPTH = 16;

type Where = { file: string; line: number };

function countLineBreaks(text: string): number {
  return (text.match(/\r\n|\r|\n/g) ?? []).length;
}

function lineValues(node: Line): string[] {
  if (node.type !== LineType.DIRECTIVE) return [];
  const v = node.value;
  if (typeof v === 'string') return v === '' ? [] : [v];
  return v.map((p) => p.val);
}

function isSection(node: Line): node is Section {
  return node.type === LineType.DIRECTIVE && 'config' in node;
}

function first(v: string | string[] | undefined): string | undefined {
  return Array.isArray(v) ? v[0] : v;
}

function readableParseError(err: unknown): string {
  const msg = err instanceof Error ? err.message : String(err);
  if (/Unexpected line break/.test(msg)) return 'a quote (") is opened but not closed';
  if (/Missing value for match criteria/.test(msg)) return 'a Match condition has no value';
  return 'the setting has no value';
}

/** Expands ssh_config tokens; unknown ones are left as they are and reported. */
function expandTokens(value: string, tokens: Record<string, string | undefined>, unknown: Set<string>): string {
  let out = value.replace(/%(.)/g, (all, ch: string) => {
    if (ch === '%') return '%';
    const t = tokens[ch];
    if (t === undefined) {
      unknown.add(`%${ch}`);
      return all;
    }
    return t;
  });
  if (out === '~' || out.startsWith('~/')) out = (tokens.d ?? '~') + out.slice(1);
  return out;
}

/**
 * Largest config file we read. ssh configs are a few KB (a thousand hosts is ~100 KB); the
 * parser costs a few microseconds per byte, so this keeps any file answered well under a second.
 */
export const MAX_SSH_CONFIG_BYTES = 256 * 1024;

/** Lines ssh cannot read before a file is taken for something else than an ssh config. */
const MAX_BAD_LINES = 200;

/** All files of one config together (the main file and every Include). */
export const MAX_SSH_CONFIG_TOTAL_BYTES = 1024 * 1024;

/** Work bound for applying wildcard Host blocks: aliases x wildcard blocks. */
const MAX_WILDCARD_CHECKS = 1_000_000;


/** A Host line's pattern list against a name: any positive match and no negated match. */
function hostPatternsMatch(patterns: string[], name: string): boolean {
  let matched = false;
  for (const pat of patterns) {
    if (pat.startsWith('!')) {
      if (sshPatternMatch(name, pat.slice(1))) return false;
    } else if (!matched && sshPatternMatch(name, pat)) {
      matched = true;
    }
  }
  return matched;
}

const REPEATABLE = new Set(['identityfile', 'certificatefile', 'localforward', 'remoteforward', 'dynamicforward']);
/** Options whose value is one command line: kept whole, not split into words. */
const COMMAND = new Set(['proxycommand', 'knownhostscommand']);

type Computed = Record<string, string | string[] | undefined>;

/** The local facts `Match` conditions are checked against. */
export interface MatchContext {
  /** %u / `Match localuser`. */
  localUser: string;
}

/** Match blocks applied per config (real ones have a handful); the rest are left out with a problem. */
const MAX_MATCH_BLOCKS = 1000;
/** What one Match block costs against MAX_WILDCARD_CHECKS, next to one wildcard Host block. */
const MATCH_BLOCK_WEIGHT = 10;

/** Match criteria that take no argument. */
const MATCH_FLAGS = new Set(['all', 'canonical', 'final']);

interface MatchOutcome {
  matched: boolean;
  /** Why a block could not be evaluated for this host (e.g. an exec command we never run). */
  note?: string;
  /** The block holds `final`: ssh reads the config a second time (the "final pass"). */
  wantsFinal: boolean;
}

/**
 * One `Match` line for one host, the way ssh evaluates it (readconf.c match_cfg_line): every
 * criterion must hold; `host` is the HostName set so far (else the name given), `originalhost`
 * the name given, `user` the User set so far (else the local user), `localuser` the local user;
 * `canonical` and `final` hold only in the final pass. `exec` commands are never run and
 * `localnetwork` is not checked: such a block counts as not matching, with a note.
 */
interface Criterion {
  keyword: string;
  negate: boolean;
  /** The value as written (for notes) and split into its pattern list. */
  arg?: string;
  list?: string[];
}

/** A Match line's words as criteria, read once per block (not once per host). */
function parseCriteria(words: string[]): Criterion[] | { missing: string } {
  const out: Criterion[] = [];
  for (let i = 0; i < words.length; i++) {
    const raw = words[i]!;
    const negate = raw.startsWith('!');
    const keyword = (negate ? raw.slice(1) : raw).toLowerCase();
    if (MATCH_FLAGS.has(keyword)) {
      out.push({ keyword, negate });
      continue;
    }
    const arg = words[++i];
    if (arg === undefined) return { missing: keyword };
    out.push({ keyword, negate, arg, list: arg.split(',') });
  }
  return out;
}

function evaluateMatch(criteria: Criterion[] | { missing: string }, state: { alias: string; hostName: string; user: string; final: boolean }, ctx: MatchContext, where: () => string): MatchOutcome {
  if (!Array.isArray(criteria)) return { matched: false, wantsFinal: false, note: `The Match line at ${where()} has "${criteria.missing}" without a value; ssh refuses it, and its block was not applied.` };
  let matched = true; // every criterion we can check holds
  let wantsFinal = false;
  let blocked: Criterion | undefined; // the first criterion we cannot check
  for (const c of criteria) {
    let holds: boolean | undefined;
    if (c.list === undefined) {
      if (c.keyword === 'final') wantsFinal = true;
      holds = c.keyword === 'all' ? true : state.final;
    } else if (c.keyword === 'host') holds = hostPatternsMatch(c.list, state.hostName.toLowerCase());
    else if (c.keyword === 'originalhost') holds = hostPatternsMatch(c.list, state.alias.toLowerCase());
    else if (c.keyword === 'user') holds = hostPatternsMatch(c.list, state.user);
    else if (c.keyword === 'localuser') holds = hostPatternsMatch(c.list, ctx.localUser);
    else blocked ??= c;
    if (holds !== undefined && holds === c.negate) matched = false;
  }
  // A block we cannot evaluate counts as not matching; worth a note only when the rest held.
  if (blocked !== undefined) {
    if (!matched) return { matched: false, wantsFinal };
    const note =
      blocked.keyword === 'exec'
        ? `Match exec "${blocked.arg ?? ''}" (${where()}) was not run: SFTP Doctor never runs commands from a config, so the settings of that block were not applied to this site. Check them after the import.`
        : `Match ${blocked.keyword} (${where()}) cannot be checked here, so the settings of that block were not applied to this site. Check them after the import.`;
    return { matched: false, wantsFinal, note };
  }
  return { matched, wantsFinal };
}

/**
 * What `ssh -G alias` would use from the (flattened) config: every line outside a block, every
 * Host block whose patterns match and every Match block whose conditions hold, in file order,
 * first value wins (all values for the repeatable options). When a Match block asks for the
 * final pass (or CanonicalizeHostname is on), the config is applied a second time with `final`
 * and `canonical` true, as ssh does. Host blocks whose patterns are plain names are looked up in
 * an index, so a config with thousands of hosts costs thousands of steps, not millions.
 */
class ConfigIndex {
  readonly #global: { at: number; node: Line }[] = [];
  readonly #literal = new Map<string, number[]>();
  readonly #wildcard: number[] = [];
  readonly #match: number[] = [];
  readonly #criteria = new Map<number, Criterion[] | { missing: string }>();
  /** Match blocks past MAX_MATCH_BLOCKS, left out (said once in the problems). */
  matchBlocksDropped = 0;
  readonly #nodes: Line[];

  constructor(
    flat: Line[],
    readonly ctx: MatchContext,
    readonly whereOf: (node: Line) => string,
  ) {
    this.#nodes = flat;
    flat.forEach((node, at) => {
      if (node.type !== LineType.DIRECTIVE) return;
      if (!isSection(node)) {
        this.#global.push({ at, node });
        return;
      }
      const kind = node.param.toLowerCase();
      if (kind === 'match') {
        if (this.#match.length >= MAX_MATCH_BLOCKS) {
          this.matchBlocksDropped++;
          return;
        }
        this.#match.push(at);
        this.#criteria.set(at, parseCriteria(lineValues(node)));
        return;
      }
      if (kind !== 'host') return;
      const patterns = lineValues(node);
      if (patterns.some((p) => /[*?!]/.test(p))) {
        this.#wildcard.push(at);
        return;
      }
      for (const p of new Set(patterns.map((x) => x.toLowerCase()))) {
        const list = this.#literal.get(p);
        if (list) list.push(at);
        else this.#literal.set(p, [at]);
      }
    });
  }

  /** Pattern checks per host: a wildcard Host block is one, a Match block costs more and may be checked twice (final pass). */
  get wildcardBlocks(): number {
    return this.#wildcard.length + MATCH_BLOCK_WEIGHT * this.#match.length;
  }

  compute(alias: string): Computed {
    return this.computeWithNotes(alias).values;
  }

  computeWithNotes(alias: string): { values: Computed; notes: string[] } {
    const out: Computed = {};
    const notes: string[] = [];
    const set = (param: string, values: string[]): void => {
      const key = param.toLowerCase();
      if (REPEATABLE.has(key)) {
        const list = (out[key] as string[] | undefined) ?? [];
        for (const v of values) if (!list.includes(v)) list.push(v);
        out[key] = list;
      } else if (out[key] === undefined && values.length > 0) {
        out[key] = COMMAND.has(key) ? values.join(' ') : values.length === 1 ? values[0] : values;
      }
    };
    const blocks = [...(this.#literal.get(alias.toLowerCase()) ?? [])];
    for (const at of this.#wildcard) if (hostPatternsMatch(lineValues(this.#nodes[at]!), alias)) blocks.push(at);
    const steps: number[] = [...this.#global.map((g) => g.at), ...blocks, ...this.#match].sort((a, b) => a - b);
    let wantsFinal = false;
    const pass = (final: boolean) => {
      for (const at of steps) {
        const node = this.#nodes[at]!;
        if (node.type !== LineType.DIRECTIVE) continue;
        if (!isSection(node)) {
          set(node.param, lineValues(node));
          continue;
        }
        if (node.param.toLowerCase() === 'match') {
          const hostName = first(out.hostname);
          const state = { alias, hostName: hostName ? hostName.replace(/%h/g, alias) : alias, user: first(out.user) ?? this.ctx.localUser, final };
          const r = evaluateMatch(this.#criteria.get(at)!, state, this.ctx, () => this.whereOf(node));
          if (r.wantsFinal) wantsFinal = true;
          if (r.note && !notes.includes(r.note)) notes.push(r.note);
          if (!r.matched) continue;
        }
        for (const sub of node.config) if (sub.type === LineType.DIRECTIVE) set(sub.param, lineValues(sub));
      }
    };
    pass(false);
    const canonicalize = first(out.canonicalizehostname)?.toLowerCase();
    if (wantsFinal || (canonicalize !== undefined && canonicalize !== 'no')) pass(true);
    return { values: out, notes };
  }
}

const ALL_LEGACY = new Set(Object.values(LEGACY_ALGORITHMS).flat());
const LEGACY_ALGORITHM_OPTIONS = ['hostkeyalgorithms', 'kexalgorithms', 'ciphers', 'macs', 'pubkeyacceptedalgorithms', 'pubkeyacceptedkeytypes'];

class OpenSshReader {
  readonly result: ParsedSource = emptyResult('openssh');
  readonly where = new WeakMap<object, Where>();
  readonly #seen = new Set<string>();
  #includeInBlockNoted = false;
  /** Characters read so far, the main file and every included one. */
  #bytes = 0;
  #canonicalNoted = false;

  constructor(readonly opts: OpenSshParseOptions) {}

  problem(p: ImportProblem): void {
    this.result.problems.push(p);
  }

  /** Parses one file; a line the parser cannot read is reported and blanked, the rest stays. */
  parse(text: string, file: string): SSHConfig {
    if (text.length > MAX_SSH_CONFIG_BYTES) {
      this.problem({
        file,
        message: `This file is ${Math.round(text.length / 1024)} KB, far larger than an ssh config (they are a few KB), so it was not read. Check that this is the right file.`,
      });
      return new SSHConfig();
    }
    let config: SSHConfig | undefined;
    try {
      config = SSHConfig.parse(text);
    } catch {
      const lines = text.split(/\r\n|\r|\n/);
      // Halves that parse are fine as a whole: only the halves with a bad line are split again,
      // so one bad line in 30,000 costs a few dozen parses, not 30,000.
      const bad: { line: number; err: unknown }[] = [];
      const search = (from: number, to: number): void => {
        if (to <= from || bad.length > MAX_BAD_LINES) return;
        try {
          SSHConfig.parse(lines.slice(from, to).join('\n'));
          return;
        } catch (err) {
          if (to - from === 1) {
            bad.push({ line: from, err });
            return;
          }
        }
        const mid = (from + to) >> 1;
        search(from, mid);
        search(mid, to);
      };
      // First the lines that look wrong (an odd number of quotes, a keyword alone, a Match line):
      // when blanking the bad ones among them makes the file readable, that is all it costs.
      const suspects: number[] = [];
      for (let i = 0; i < lines.length && suspects.length <= 4 * MAX_BAD_LINES; i++) {
        const t = lines[i]!.replace(/^\s+|\s+$/g, '');
        if (t === '' || t.startsWith('#')) continue;
        if ((t.split('"').length - 1) % 2 === 1 || !/[\s=]/.test(t) || /^match\b/i.test(t)) suspects.push(i);
      }
      for (const i of suspects) {
        try {
          SSHConfig.parse(lines[i]!);
        } catch (err) {
          bad.push({ line: i, err });
        }
      }
      let clean = bad.length <= MAX_BAD_LINES;
      if (clean) {
        const badLines = new Set(bad.map((b) => b.line));
        try {
          config = SSHConfig.parse(lines.map((l, i) => (badLines.has(i) ? '' : l)).join('\n'));
        } catch {
          clean = false;
        }
      }
      if (!clean) {
        bad.length = 0;
        search(0, lines.length);
      }
      if (bad.length > MAX_BAD_LINES) {
        this.problem({ file, message: `More than ${MAX_BAD_LINES} lines of this file cannot be read as ssh config lines, so it does not look like an ssh config; nothing was imported from it. Check that this is the right file.` });
        return new SSHConfig();
      }
      for (const { line: i, err } of bad) {
        this.problem({
          file,
          line: i + 1,
          message: `This line could not be read (${readableParseError(err)}), so it was skipped. ssh itself refuses a config file with this mistake: fix or remove the line.`,
        });
        lines[i] = '';
      }
      try {
        config ??= SSHConfig.parse(lines.join('\n'));
      } catch (err) {
        this.problem({ file, message: `This file could not be read (${readableParseError(err)}). Check it with "ssh -G <host>".` });
        config = new SSHConfig();
      }
    }
    // Line numbers: the parser keeps the text around each line, so count the line breaks.
    let line = 1;
    const visit = (lines: Line[]) => {
      for (const node of lines) {
        line += countLineBreaks(node.before);
        this.where.set(node, { file, line });
        line += countLineBreaks(node.after);
        if (isSection(node)) visit(node.config);
      }
    };
    visit(config);
    return config;
  }

  async include(node: Line, fromFile: string, depth: number): Promise<Line[]> {
    const at = this.where.get(node) ?? { file: fromFile, line: undefined };
    if (depth >= MAX_INCLUDE_DEPTH) {
      this.problem({ file: at.file, line: at.line, message: 'Include files are nested too deeply (more than 16 levels); this one was not read.' });
      return [];
    }
    if (!this.opts.readIncluded) {
      this.problem({ file: at.file, line: at.line, message: 'This Include was not followed (reading included files is not available here).' });
      return [];
    }
    const out: Line[] = [];
    const unknown = new Set<string>();
    for (const raw of lineValues(node)) {
      let pattern = expandTokens(raw, { d: this.opts.home, u: this.opts.localUser, l: this.opts.localHost }, unknown);
      if (!path.isAbsolute(pattern)) pattern = path.join(this.opts.home, '.ssh', pattern);
      let files: IncludedFile[] = [];
      try {
        files = await this.opts.readIncluded(pattern);
      } catch (err) {
        this.problem({ file: at.file, line: at.line, message: `The included file ${pattern} could not be read (${(err as Error).message}).` });
      }
      if (files.length === 0 && !/[*?]/.test(pattern)) {
        this.problem({ file: at.file, line: at.line, message: `Include names ${pattern}, which does not exist; ssh skips it too.` });
      }
      for (const f of files) {
        if (this.#seen.has(f.file)) {
          this.problem({ file: at.file, line: at.line, message: `${f.file} is included more than once (or includes itself); it was read only the first time.` });
          continue;
        }
        this.#seen.add(f.file);
        this.#bytes += f.text.length;
        if (this.#bytes > MAX_SSH_CONFIG_TOTAL_BYTES) {
          this.problem({ file: at.file, line: at.line, message: `${f.file} was not read: the config and its included files pass ${MAX_SSH_CONFIG_TOTAL_BYTES / 1024 / 1024} MB together, far more than any ssh config. Check the Include patterns.` });
          continue;
        }
        if (!this.result.files.includes(f.file)) this.result.files.push(f.file);
        pushAll(out, await this.flatten(this.parse(f.text, f.file), f.file, depth + 1));
      }
    }
    if (unknown.size > 0) this.problem({ file: at.file, line: at.line, message: `Include uses ${[...unknown].join(', ')}, which SFTP Doctor does not expand.` });
    return out;
  }

  /** Top-level lines with Includes read in place, Match blocks and hostname canonicalisation removed. */
  async flatten(config: Line[], file: string, depth: number): Promise<Line[]> {
    const out: Line[] = [];
    for (const node of config) {
      if (node.type !== LineType.DIRECTIVE) continue;
      const param = node.param.toLowerCase();
      if (param === 'include') {
        pushAll(out, await this.include(node, file, depth));
      } else if (isSection(node)) {
        const inner: Line[] = [];
        const trailing: Line[] = [];
        let changed = false;
        for (const sub of node.config) {
          if (sub.type !== LineType.DIRECTIVE) continue;
          const subParam = sub.param.toLowerCase();
          if (subParam === 'include' || subParam === 'canonicalizehostname' || subParam === 'canonicaldomains') changed = true;
          if (subParam === 'include') {
            const lines = await this.include(sub, file, depth);
            const firstSection = lines.findIndex(isSection);
            pushAll(inner, firstSection < 0 ? lines : lines.slice(0, firstSection));
            if (firstSection >= 0) {
              pushAll(trailing, lines.slice(firstSection));
              if (!this.#includeInBlockNoted) {
                this.#includeInBlockNoted = true;
                const at = this.where.get(sub);
                this.problem({ file: at?.file ?? file, line: at?.line, message: 'An Include inside a Host block brings its own Host blocks; they were read as if they stood on their own.' });
              }
            }
          } else if (subParam === 'canonicalizehostname' || subParam === 'canonicaldomains') {
            // Canonicalisation needs DNS look-ups; the import stays offline and uses names as written.
            if (!this.#canonicalNoted && subParam === 'canonicalizehostname' && lineValues(sub)[0] !== 'no') {
              this.#canonicalNoted = true;
              const at = this.where.get(sub);
              this.problem({ file: at?.file ?? file, line: at?.line, message: 'CanonicalizeHostName is not applied: host names are imported as written.' });
            }
          } else {
            inner.push(sub);
          }
        }
        if (!changed) {
          // Nothing read in or taken out (the usual block): the block itself, no copy.
          out.push(node);
          continue;
        }
        const cfg = new SSHConfig();
        pushAll(cfg, inner);
        const copy: Section = { ...node, config: cfg };
        const at = this.where.get(node);
        if (at) this.where.set(copy, at);
        out.push(copy);
        pushAll(out, trailing);
      } else {
        out.push(node);
      }
    }
    return out;
  }
}

/**
 * The login methods ssh would use (PreferredAuthentications, less the ones switched off by
 * PubkeyAuthentication / KbdInteractiveAuthentication (or its old name ChallengeResponseAuthentication) /
 * PasswordAuthentication no). Undefined when that is all of them (the site's default).
 */
function loginMethods(c: Record<string, string | string[] | undefined>): LoginMethod[] | undefined {
  const off = (name: string) => first(c[name])?.toLowerCase() === 'no';
  const preferred = first(c.preferredauthentications)?.split(',').map((m) => m.trim().toLowerCase());
  const methods = LOGIN_METHODS.filter((m) => !preferred || preferred.includes(m)).filter(
    (m) => !(m === 'publickey' && off('pubkeyauthentication')) && !(m === 'keyboard-interactive' && (off('kbdinteractiveauthentication') || off('challengeresponseauthentication'))) && !(m === 'password' && off('passwordauthentication')),
  );
  return methods.length === LOGIN_METHODS.length || methods.length === 0 ? undefined : methods;
}

/**
 * The RSA signature ssh would sign with for a host whose PubkeyAcceptedAlgorithms is a whole list
 * (not "+", "-" or "^" changes to ssh's defaults): the first RSA one it names. ssh takes the first
 * of its list the server accepts; a site here signs with that one, and a refusal gets the one
 * extra try with another.
 */
function rsaSignatureOf(value: string | undefined): RsaSignature | undefined {
  if (!value || /^[-+^]/.test(value)) return undefined;
  const names = value.split(',').map((n) => n.trim().toLowerCase());
  return names.map((n) => RSA_SIGNATURES.find((a) => a === n)).find((a) => a !== undefined);
}

/** Reads an OpenSSH client config (and its Includes) into import candidates. */
export async function parseOpenSshConfig(opts: OpenSshParseOptions): Promise<ParsedSource> {
  const reader = new OpenSshReader(opts);
  const { result } = reader;
  result.files.push(opts.file);
  const flat = await reader.flatten(reader.parse(opts.text, opts.file), opts.file, 0);

  const config = new SSHConfig();
  pushAll(config, flat);

  // Bad ports are reported where they are written.
  const visit = (lines: Line[]) => {
    for (const node of lines) {
      if (node.type === LineType.DIRECTIVE && node.param.toLowerCase() === 'port' && parsePort(lineValues(node)[0]) === 'invalid') {
        const at = reader.where.get(node);
        reader.problem({ file: at?.file ?? opts.file, line: at?.line, message: `Port "${lineValues(node)[0] ?? ''}" is not a port number (1-65535); the default port 22 was used instead. Fix the line if ssh should use another port.` });
      }
      if (isSection(node)) visit(node.config);
    }
  };
  visit(config);

  const aliases: { alias: string; file: string }[] = [];
  const seen = new Set<string>();
  for (const node of flat) {
    if (!isSection(node) || node.param.toLowerCase() !== 'host') continue;
    for (const pattern of lineValues(node)) {
      if (/[*?!%]/.test(pattern) || seen.has(pattern.toLowerCase())) continue;
      seen.add(pattern.toLowerCase());
      aliases.push({ alias: pattern, file: reader.where.get(node)?.file ?? opts.file });
    }
  }

  if (aliases.length === 0 && result.problems.length === 0) {
    result.problems.push({ file: opts.file, message: 'No hosts were found in this file: it has no "Host" line naming a server (patterns such as "Host *" only hold settings for other hosts).' });
  }
  const index = new ConfigIndex(flat, { localUser: opts.localUser }, (node) => {
    const at = reader.where.get(node);
    return at ? `${at.file}${at.line !== undefined ? `, line ${at.line}` : ''}` : opts.file;
  });
  if (index.matchBlocksDropped > 0) {
    result.problems.push({ file: opts.file, message: `This config has more than ${MAX_MATCH_BLOCKS} Match blocks; only the first ${MAX_MATCH_BLOCKS} were applied (${index.matchBlocksDropped} left out). Check that this is the right file.` });
  }
  if (aliases.length > MAX_SITES_PER_FILE) {
    result.problems.unshift(tooManySites(opts.file, 'hosts'));
    aliases.length = MAX_SITES_PER_FILE;
  }
  const maxAliases = Math.max(100, Math.floor(MAX_WILDCARD_CHECKS / Math.max(1, index.wildcardBlocks)));
  if (aliases.length > maxAliases) {
    result.problems.push({
      file: opts.file,
      message: `This config names ${aliases.length} hosts and has many Host blocks with patterns or Match blocks; only the first ${maxAliases} hosts were imported (applying every pattern to every host would take too long). Split the file, or import the hosts you need from a smaller copy.`,
    });
    aliases.length = maxAliases;
  }

  for (const { alias, file } of aliases) {
    const { values: c, notes } = index.computeWithNotes(alias);
    const unknown = new Set<string>();

    const hostName = expandTokens(first(c.hostname) ?? alias, { h: alias }, unknown);
    const userLine = first(c.user);
    const user = userLine ?? opts.localUser;
    if (userLine === undefined) notes.push(`No User is set, so ssh logs in as your local user "${opts.localUser}"; the site does the same. Change the user name if the server expects another.`);
    const portValue = parsePort(first(c.port));
    const port = typeof portValue === 'number' ? portValue : 22;

    const tokens = { d: opts.home, u: opts.localUser, l: opts.localHost, h: hostName, r: user, p: String(port), n: alias, i: typeof process.getuid === 'function' ? String(process.getuid()) : undefined };
    const settings: SiteSettings = { protocol: 'sftp', host: hostName, user };
    if (typeof portValue === 'number') settings.port = portValue;

    const identities = (Array.isArray(c.identityfile) ? c.identityfile : c.identityfile ? [c.identityfile] : []).filter((f) => f.toLowerCase() !== 'none');
    if (identities.length > 0) {
      settings.privateKey = { path: expandTokens(identities[0]!, tokens, unknown) };
      if (identities.length > 1) {
        const others = identities.slice(1).map((f) => expandTokens(f, tokens, unknown));
        notes.push(`ssh would also try these keys: ${others.join(', ')}. SFTP Doctor uses the first one; choose another key file in the site if that one is not right.`);
      }
    }
    if (first(c.identitiesonly)?.toLowerCase() === 'yes') settings.identitiesOnly = true;
    if (first(c.identityagent)?.toLowerCase() === 'none') settings.useAgent = false;
    const methods = loginMethods(c);
    if (methods) settings.authMethods = methods;

    const keepalive = Number(first(c.serveraliveinterval));
    if (Number.isInteger(keepalive) && keepalive > 0) settings.keepaliveSeconds = keepalive;

    const legacy = new Set<string>();
    for (const opt of LEGACY_ALGORITHM_OPTIONS) {
      const v = first(c[opt]);
      // "+list" adds to ssh's defaults and "^list" puts them first: every name is allowed. A whole
      // list replaces the defaults: its weak names are allowed. "-list" only removes.
      if (v === undefined || v.startsWith('-')) continue;
      const added = v.startsWith('+') || v.startsWith('^');
      for (const raw of (added ? v.slice(1) : v).split(',')) {
        const alg = raw.trim();
        if (alg && (added || ALL_LEGACY.has(alg))) legacy.add(alg);
      }
    }
    if (legacy.size > 0) settings.legacyAlgorithms = [...legacy];
    const rsaSignature = rsaSignatureOf(first(c.pubkeyacceptedalgorithms) ?? first(c.pubkeyacceptedkeytypes));
    if (rsaSignature) settings.rsaSignature = rsaSignature;

    const knownHosts = (Array.isArray(c.userknownhostsfile) ? c.userknownhostsfile : c.userknownhostsfile ? [c.userknownhostsfile] : []).filter((f) => f.toLowerCase() !== 'none');
    if (knownHosts.length > 0) {
      settings.knownHostsPath = expandTokens(knownHosts[0]!, tokens, unknown);
    } else if (opts.knownHostsFile) {
      settings.knownHostsPath = opts.knownHostsFile;
      notes.push(`Uses your OpenSSH known_hosts file (${opts.knownHostsFile}), so servers ssh already trusts are trusted here too. To use SFTP Doctor's own list instead, clear the known-hosts file in the site's Advanced settings.`);
    }

    const jump = first(c.proxyjump);
    const proxyCommandRaw = c.proxycommand;
    const proxyCommand = Array.isArray(proxyCommandRaw) ? proxyCommandRaw.join(' ') : proxyCommandRaw;
    if (jump && jump.toLowerCase() !== 'none') {
      const hops = parseJumpList(jump);
      if ('error' in hops) {
        notes.push(`ssh reaches this server through the jump host "${jump}" (ProxyJump), which SFTP Doctor could not read (${hops.error}), so it will try to reach the server directly; fix the jump host in the site's Advanced settings.`);
      } else {
        // A jump host named by a Host alias of the same config gets that alias's HostName, User and Port, as ssh does.
        settings.jumpHosts = hops.map((h) => jumpFromConfig(index, h));
        if (proxyCommand && proxyCommand.toLowerCase() !== 'none') notes.push(`ProxyCommand "${proxyCommand}" is ignored: ssh uses ProxyJump when both are set.`);
      }
    } else if (proxyCommand && proxyCommand.toLowerCase() !== 'none') {
      const mapped = mapProxyCommand(expandTokens(proxyCommand, { ...tokens, h: '%h', p: '%p', r: '%r' }, new Set()));
      if (mapped.jump) settings.jumpHosts = mapped.jump.map((h) => jumpFromConfig(index, h));
      if (mapped.proxy) settings.proxy = mapped.proxy;
      if (mapped.note) notes.push(mapped.note);
    }
    const dropped = notCarriedOver(c, (v) => expandTokens(v, tokens, unknown));
    if (dropped.length > 0) notes.push(`Not carried over: ${dropped.join('; ')}.`);
    if (typeof portValue !== 'number' && portValue === 'invalid') notes.push('The Port in the config is not a number, so the default port 22 is used.');
    if (unknown.size > 0) notes.push(`The settings use ${[...unknown].join(', ')}, which SFTP Doctor does not expand; check the paths.`);

    result.candidates.push(makeCandidate({ origin: { tool: 'openssh', file, name: alias }, name: alias, settings, notes }));
  }
  result.problems = limitProblems(result.problems);
  return result;
}

/**
 * Settings ssh would use for the host that a site here cannot hold, each with what happens
 * instead: listed under the site as "Not carried over: ...", so nothing is dropped silently.
 */
const NOT_CARRIED: { option: string; skip?: (v: string) => boolean; why: string }[] = [
  { option: 'certificatefile', why: 'SFTP Doctor logs in with the private key alone, not with its certificate; a server that only accepts the certificate will refuse the key' },
  { option: 'identityagent', skip: (v) => /^(none|\$?ssh_auth_sock)$/i.test(v), why: 'SFTP Doctor asks the agent named by SSH_AUTH_SOCK' },
  { option: 'hostkeyalias', why: 'the host key is looked up under the host name instead' },
  { option: 'stricthostkeychecking', skip: (v) => /^(yes|ask)$/i.test(v), why: 'SFTP Doctor always asks before trusting a new or changed host key' },
  { option: 'pkcs11provider', skip: (v) => v.toLowerCase() === 'none', why: 'keys on smart cards or tokens are only used through the agent' },
  { option: 'securitykeyprovider', skip: (v) => v.toLowerCase() === 'internal', why: 'security keys (FIDO) are only used through the agent' },
  { option: 'bindaddress', why: 'the connection leaves from the address the system chooses' },
  { option: 'bindinterface', why: 'the connection leaves from the interface the system chooses' },
  { option: 'addressfamily', skip: (v) => v.toLowerCase() === 'any', why: 'both IPv4 and IPv6 are tried' },
];

function notCarriedOver(c: Computed, expand: (v: string) => string): string[] {
  const out: string[] = [];
  for (const { option, skip, why } of NOT_CARRIED) {
    const raw = c[option];
    const values = (Array.isArray(raw) ? raw : raw !== undefined ? [raw] : []).filter((v) => !skip?.(v));
    if (values.length === 0) continue;
    const name = OPTION_NAMES[option] ?? option;
    out.push(`${name} ${values.map(expand).join(', ')} (${why})`);
  }
  return out;
}

const OPTION_NAMES: Record<string, string> = {
  certificatefile: 'CertificateFile',
  identityagent: 'IdentityAgent',
  hostkeyalias: 'HostKeyAlias',
  stricthostkeychecking: 'StrictHostKeyChecking',
  pkcs11provider: 'PKCS11Provider',
  securitykeyprovider: 'SecurityKeyProvider',
  bindaddress: 'BindAddress',
  bindinterface: 'BindInterface',
  addressfamily: 'AddressFamily',
};

/** A jump host as ssh would reach it: a Host alias of the config gives its HostName, User and Port. */
function jumpFromConfig(index: ConfigIndex, hop: JumpHostSpec): JumpHostSpec {
  const c = index.compute(hop.host);
  const hostName = first(c.hostname);
  const user = first(c.user);
  const port = parsePort(first(c.port));
  return {
    host: hostName && !hostName.includes('%') ? hostName : hop.host,
    ...(hop.port !== undefined ? { port: hop.port } : typeof port === 'number' && port !== 22 ? { port } : {}),
    ...(hop.user !== undefined ? { user: hop.user } : user ? { user } : {}),
  };
}

/** The local user name ssh would use (%u). */
export function localUserName(env: NodeJS.ProcessEnv = process.env): string {
  try {
    return os.userInfo().username;
  } catch {
    return env.USER ?? env.USERNAME ?? 'user';
  }
}
