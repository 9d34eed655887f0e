/**
 * known_hosts-entry.txt: only the line(s) of the known-hosts file that name this host, never the
 * rest of the user's file. Matching (plain names, [host]:port, wildcards, negations, hashed
 * |1|salt|hash names) is the store's, the same the engine checks host keys with.
 */
import { promises as fs } from 'node:fs';
import type { RunResult } from '../../shared/types';
import { entryMatches, hostLookupName, parseKnownHosts } from '../store/known-hosts';
import type { KnownHostsLine } from './types';

/** Files bigger than this are not read (a known_hosts file is a few kilobytes). */
const MAX_FILE_BYTES = 8 * 1024 * 1024;

/** The lines of `text` naming host:port (plus the line numbers in alsoLines), 1-based. */
export function knownHostsLinesIn(text: string, file: string, host: string, port: number, alsoLines: number[] = []): KnownHostsLine[] {
  const parsed = parseKnownHosts(text, file);
  const wanted = new Set(alsoLines);
  const names = [hostLookupName(host, port)];
  return parsed.entries.filter((e) => wanted.has(e.line) || entryMatches(e, names)).map((e) => ({ file, line: e.line, text: e.raw.trim() }));
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
    const text = await fs.readFile(file, 'latin1');
    const lines = (result.facts.hostkey?.matches ?? []).filter((m) => m.file === file).map((m) => m.line);
    return knownHostsLinesIn(text, file, host, port, lines);
  } catch {
    return [];
  }
}
