/**
 * Adds imported host keys to a known_hosts file: every existing line is kept as it is, a key
 * already there is not added twice, and a key that differs from the one already trusted for the
 * same host and key type is NOT added (that is a decision for the user, reported back).
 */
import { createHmac } from 'node:crypto';
import { promises as fs } from 'node:fs';
import { writeFileAtomic } from '../store/atomic-file';

export interface MergeResult {
  file: string;
  added: string[];
  alreadyThere: number;
  /** Keys that differ from what the file already trusts for that host: not added. */
  conflicts: { line: string; host: string; type: string }[];
}

interface Entry {
  hosts: string[];
  hashed: { salt: Buffer; hash: string }[];
  type: string;
  key: string;
}

function parseLine(line: string): Entry | null {
  const t = line.trim();
  if (t === '' || t.startsWith('#')) return null;
  let fields = t.split(/\s+/);
  if (fields[0]?.startsWith('@')) fields = fields.slice(1); // @cert-authority / @revoked
  if (fields.length < 3) return null;
  const [hostField, type, key] = fields as [string, string, string];
  const hosts: string[] = [];
  const hashed: Entry['hashed'] = [];
  for (const h of hostField.split(',')) {
    const m = /^\|1\|([^|]+)\|(.+)$/.exec(h);
    if (m) hashed.push({ salt: Buffer.from(m[1]!, 'base64'), hash: m[2]! });
    else hosts.push(h.toLowerCase());
  }
  return { hosts, hashed, type, key };
}

function namesHost(entry: Entry, host: string): boolean {
  if (entry.hosts.includes(host)) return true;
  return entry.hashed.some((h) => createHmac('sha1', h.salt).update(host).digest('base64') === h.hash);
}

export async function mergeKnownHosts(file: string, lines: string[]): Promise<MergeResult> {
  let text = '';
  try {
    text = await fs.readFile(file, 'utf8');
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'ENOENT') throw err;
  }
  const existing = text.split(/\r?\n/).map(parseLine).filter((e): e is Entry => e !== null);
  const result: MergeResult = { file, added: [], alreadyThere: 0, conflicts: [] };
  for (const line of lines) {
    const entry = parseLine(line);
    if (!entry) continue;
    const host = entry.hosts[0]!;
    const same = existing.filter((e) => e.type === entry.type && namesHost(e, host));
    if (same.some((e) => e.key === entry.key)) {
      result.alreadyThere++;
    } else if (same.length > 0) {
      result.conflicts.push({ line, host, type: entry.type });
    } else {
      result.added.push(line);
      existing.push(entry);
    }
  }
  if (result.added.length > 0) {
    const sep = text === '' || text.endsWith('\n') ? '' : '\n';
    await writeFileAtomic(file, `${text}${sep}${result.added.join('\n')}\n`, { mode: 0o600 });
  }
  return result;
}
