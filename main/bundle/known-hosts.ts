/**
 * known_hosts-entry.txt: only the line(s) of the known-hosts file that name this host, never the
 * rest of the user's file. A line names the host when one of its patterns matches "host" (port
 * 22) or "[host]:port": plain names, wildcards (* and ?), negations (!pattern) and hashed names
 * (|1|salt|hash, HMAC-SHA1) as OpenSSH reads them.
 */
import { createHmac } from 'node:crypto';
import { promises as fs } from 'node:fs';
import type { RunResult } from '../../shared/types';
import type { KnownHostsLine } from './types';

/** Files bigger than this are not read (a known_hosts file is a few kilobytes). */
const MAX_FILE_BYTES = 8 * 1024 * 1024;

function globToRegExp(glob: string): RegExp {
  const body = glob.replace(/[.+^${}()|[\]\\]/g, '\\$&').replace(/\*/g, '.*').replace(/\?/g, '.');
  return new RegExp(`^${body}$`, 'i');
}

function hashedMatches(pattern: string, name: string): boolean {
  const m = /^\|1\|([A-Za-z0-9+/=]+)\|([A-Za-z0-9+/=]+)$/.exec(pattern);
  if (!m) return false;
  const digest = createHmac('sha1', Buffer.from(m[1]!, 'base64')).update(name).digest('base64');
  return digest === m[2];
}

/** Whether the host field of a known_hosts line (comma-separated patterns) names host:port. */
export function hostFieldMatches(field: string, host: string, port: number): boolean {
  const name = port === 22 ? host.toLowerCase() : `[${host.toLowerCase()}]:${port}`;
  let matched = false;
  for (const raw of field.split(',')) {
    const negated = raw.startsWith('!');
    const pattern = negated ? raw.slice(1) : raw;
    const hit = pattern.startsWith('|1|') ? hashedMatches(pattern, name) : globToRegExp(pattern).test(name);
    if (hit && negated) return false;
    if (hit) matched = true;
  }
  return matched;
}

/** The lines of `text` naming host:port, with 1-based line numbers. Comments and blanks never match. */
export function knownHostsLinesIn(text: string, file: string, host: string, port: number, alsoLines: number[] = []): KnownHostsLine[] {
  const out: KnownHostsLine[] = [];
  const wanted = new Set(alsoLines);
  text.split(/\r?\n/).forEach((line, i) => {
    const trimmed = line.trim();
    if (!trimmed || trimmed.startsWith('#')) return;
    const fields = trimmed.split(/\s+/);
    const hostField = fields[0]!.startsWith('@') ? fields[1] : fields[0];
    if (wanted.has(i + 1) || (hostField !== undefined && hostFieldMatches(hostField, host, port))) out.push({ file, line: i + 1, text: trimmed });
  });
  return out;
}

/**
 * The known_hosts lines for the host of a run: from the file the run checked, the lines it
 * reported as matches plus any other line naming the host. Empty when there is no such file.
 */
export async function knownHostsLinesFor(result: RunResult): Promise<KnownHostsLine[]> {
  const file = result.facts.hostkey?.knownHostsFile ?? result.request.knownHostsPath;
  const host = result.facts.input?.host;
  const port = result.facts.input?.port ?? 22;
  if (!file || !host) return [];
  try {
    const st = await fs.stat(file);
    if (!st.isFile() || st.size > MAX_FILE_BYTES) return [];
    const text = await fs.readFile(file, 'utf8');
    const lines = (result.facts.hostkey?.matches ?? []).filter((m) => m.file === file).map((m) => m.line);
    return knownHostsLinesIn(text, file, host, port, lines);
  } catch {
    return [];
  }
}
