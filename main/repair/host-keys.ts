/**
 * Host-key fixes: write the server's key to the known_hosts file, only once the user's own copy of
 * the fingerprint matches it. The file is written by main/store/known-hosts.ts: OpenSSH format,
 * atomically (temporary file + rename), with a backup, every other line kept byte for byte.
 */
import type { RepairInput } from '../../shared/api';
import type { Fix, HostKeyInfo } from '../../shared/types';
import { addHostKey, checkHostKey, fingerprintSha256, hostLookupName, readKnownHosts, replaceHostKey, type KnownHostsFile } from '../store/known-hosts';
import { knownHostsFileOf, logChanges, num, requireConfirmed, str, targetOf, withRequest } from './common';
import { matchFingerprint } from '../../shared/fingerprint';
import { RepairError, type FixHandler, type RepairContext } from './types';

interface KeyTarget {
  host: string;
  port: number;
  key: HostKeyInfo;
  file: string;
}

/** The key the server presented in this attempt, cross-checked with the fix's params. */
function keyTarget(fix: Fix, ctx: RepairContext): KeyTarget {
  const hop = jumpHostKey(fix, ctx);
  if (hop) return hop;
  const facts = ctx.result.facts.hostkey;
  if (!facts) throw new RepairError('FAILED', 'This attempt did not get as far as the server key. Connect again first.');
  const { key } = facts;
  const sha = str(fix.params, 'sha256');
  if (sha && sha !== key.sha256) throw new RepairError('FAILED', 'The fix does not name the key this server presented. Connect again and use the fix shown then.');
  const t = targetOf(ctx);
  const host = str(fix.params, 'host') || t.host;
  const port = num(fix.params, 'port') ?? t.port;
  return { host, port, key, file: str(fix.params, 'file') || knownHostsFileOf(ctx) };
}

/**
 * A jump host's key (JUMP_HOST_FAILED carrying HOSTKEY_UNKNOWN/CHANGED): the fix names the jump
 * host, and the key in its params must be the one that hop presented (recorded in the path facts).
 */
function jumpHostKey(fix: Fix, ctx: RepairContext): KeyTarget | null {
  const path = ctx.result.facts.path;
  const hop = path?.failedHop !== undefined ? path.hops[path.failedHop] : undefined;
  if (!hop || str(fix.params, 'host') !== hop.host || num(fix.params, 'port') !== hop.port) return null;
  const sha = str(fix.params, 'sha256') ?? '';
  const publicKey = str(fix.params, 'publicKey') ?? '';
  const b64 = publicKey.split(' ')[1] ?? '';
  let actual = '';
  try {
    actual = fingerprintSha256(Buffer.from(b64, 'base64'));
  } catch {
    // checked below
  }
  if (!sha || actual !== sha || !hop.hostKey?.endsWith(` ${sha}`)) throw new RepairError('FAILED', 'The fix does not name the key this jump host presented. Connect again and use the fix shown then.');
  const key: HostKeyInfo = { type: str(fix.params, 'type') || publicKey.split(' ')[0] || '', sha256: sha, md5: str(fix.params, 'md5') ?? '', publicKey };
  return { host: hop.host, port: hop.port, key, file: str(fix.params, 'file') || knownHostsFileOf(ctx) };
}

/** Hash the new line's host name when the file already hashes all its names (HashKnownHosts yes). */
function hashLikeFile(file: KnownHostsFile): boolean {
  const plain = file.entries.filter((e) => e.marker === null);
  return plain.length > 0 && plain.every((e) => e.hashed);
}

function newLine(t: KeyTarget, hashed: boolean): string {
  return `${hashed ? '|1|…(hashed name)' : hostLookupName(t.host, t.port)} ${t.key.publicKey}`;
}

function checkFingerprint(input: RepairInput, key: HostKeyInfo): void {
  if (input.fingerprint === undefined || input.fingerprint.trim() === '') {
    throw new RepairError('NEEDS_INPUT', `Paste or type the fingerprint your provider published for this server, so it can be compared with the key the server presented (${key.sha256}).`);
  }
  const check = matchFingerprint(input.fingerprint, key);
  if (!check.ok) throw new RepairError('REFUSED', `${check.message} Nothing was written.`);
}

/** What both host-key fixes do first: the user confirmed, the fingerprint they gave matches, and how the file stands now. */
async function confirmedKeyCheck(fix: Fix, ctx: RepairContext, input: RepairInput) {
  requireConfirmed(fix, input.confirmed);
  const t = keyTarget(fix, ctx);
  checkFingerprint(input, t.key);
  const b64 = t.key.publicKey.split(' ')[1]!;
  const file = await readKnownHosts(t.file);
  return { t, b64, file, check: checkHostKey(file, t.host, t.port, t.key.type, b64) };
}

function sha256OfEntry(b64: string): string {
  try {
    return fingerprintSha256(Buffer.from(b64, 'base64'));
  } catch {
    return '(unreadable key)';
  }
}

export const hostKeyFixes: { [I in 'trust-host-key' | 'replace-host-key']: FixHandler<I> } = {
  'trust-host-key': {
    async plan(fix, ctx) {
      const t = keyTarget(fix, ctx);
      const file = await readKnownHosts(t.file);
      const check = checkHostKey(file, t.host, t.port, t.key.type, t.key.publicKey.split(' ')[1]!);
      if (check.status === 'trusted') return { changes: [`Nothing: ${t.file} already records this key (line ${check.matches[0]!.line}).`], needs: [] };
      const changes = [
        `Add one line at the end of ${t.file} (line ${file.lines.length + 1}):`,
        `  ${newLine(t, hashLikeFile(file))}`,
        file.exists ? `Keep a copy of the current file as ${t.file}.bak; every other line stays exactly as it is.` : `Create ${t.file} (readable by you only).`,
      ];
      return {
        changes,
        needs: ['confirmation', 'fingerprint'],
        notes: [`Compare the key ${t.key.sha256} (${t.key.md5}) with the fingerprint your provider publishes before trusting it: a key we have never seen cannot be told apart from an impostor's by the key alone.`],
      };
    },
    async apply(fix, ctx, input) {
      const { t, file, check } = await confirmedKeyCheck(fix, ctx, input);
      if (check.status === 'revoked') throw new RepairError('REFUSED', `${t.file} marks this key as revoked (line ${check.matches[0]!.line}); it is never trusted. Ask the administrator.`);
      if (check.status === 'changed') {
        throw new RepairError('REFUSED', `${t.file} now records a different key for this server (line ${check.matches[0]!.line}). Connect again: the diagnosis will show both keys.`);
      }
      if (check.status === 'trusted') {
        return { applied: true, changes: [], backups: [], nextRequest: ctx.request, message: `${t.file} already records this key (line ${check.matches[0]!.line}). Connecting again to check.` };
      }
      const written = await addHostKey(t.file, t.host, t.port, t.key.publicKey, { hash: hashLikeFile(file) });
      const changes = [`${t.file}: added line ${written.line} for ${hostLookupName(t.host, t.port)} (${t.key.type} ${t.key.sha256})`];
      const backups = written.backupPath ? [written.backupPath] : [];
      const logProblem = await logChanges(ctx, fix.id, changes, backups);
      return {
        applied: true,
        changes,
        backups,
        nextRequest: withRequest(ctx.request, { acceptHostKey: undefined }),
        message: `Saved the server key ${t.key.sha256} in ${t.file}. Connecting again to check.${logProblem ? ` ${logProblem}` : ''}`,
      };
    },
  },

  'replace-host-key': {
    async plan(fix, ctx) {
      const t = keyTarget(fix, ctx);
      const file = await readKnownHosts(t.file);
      const check = checkHostKey(file, t.host, t.port, t.key.type, t.key.publicKey.split(' ')[1]!);
      if (check.status === 'trusted') return { changes: [`Nothing: ${t.file} already records the new key (line ${check.matches[0]!.line}).`], needs: [] };
      if (check.status === 'revoked') throw new RepairError('REFUSED', `${t.file} marks the new key as revoked: it must never be trusted. Ask the administrator.`);
      const changes: string[] = [];
      for (const m of check.matches) changes.push(`Remove the old key from ${t.file} line ${m.line}: ${m.keyType} ${sha256OfEntry(m.keyBase64)}${m.hosts.includes(',') && !m.hashed ? ` (only this server's name; the line's other names stay)` : ''}`);
      changes.push(`Add the new key at the end: ${newLine(t, hashLikeFile(file))}`, `Old key: ${str(fix.params, 'oldSha256') || sha256OfEntry(check.matches[0]?.keyBase64 ?? '')}`, `New key: ${t.key.type} ${t.key.sha256}`);
      changes.push(`Keep a copy of the current file as ${t.file}.bak; every other line stays exactly as it is.`);
      return {
        changes,
        needs: ['confirmation', 'fingerprint'],
        notes: [
          'A changed server key is normal after a reinstall or a move, and it is exactly what an attacker in the middle of the connection would cause.',
          `Replace it only after the administrator confirmed the change and the new fingerprint ${t.key.sha256}.`,
        ],
      };
    },
    async apply(fix, ctx, input) {
      const { t, b64, file, check } = await confirmedKeyCheck(fix, ctx, input);
      if (check.status === 'revoked') throw new RepairError('REFUSED', `${t.file} marks the new key as revoked: it must never be trusted. Ask the administrator.`);
      if (check.status === 'trusted') return { applied: true, changes: [], backups: [], nextRequest: ctx.request, message: `${t.file} already records the new key. Connecting again to check.` };
      const oldSha = str(fix.params, 'oldSha256');
      if (oldSha && check.status === 'changed' && !check.matches.some((m) => sha256OfEntry(m.keyBase64) === oldSha)) {
        throw new RepairError('REFUSED', `${t.file} changed since the check (the recorded key is no longer ${oldSha}). Connect again and review the keys before replacing.`);
      }
      const res = await replaceHostKey(t.file, t.host, t.port, t.key.publicKey, { hash: hashLikeFile(file) });
      const after = checkHostKey(await readKnownHosts(t.file), t.host, t.port, t.key.type, b64);
      const changes = [
        ...res.replacedLines.map((l) => `${t.file}: removed the old ${t.key.type} key of ${hostLookupName(t.host, t.port)} (it was on line ${l})`),
        `${t.file}: added the new key ${t.key.sha256} as line ${after.matches.at(-1)?.line ?? res.line}`,
      ];
      const backups = res.backupPath ? [res.backupPath] : [];
      const logProblem = await logChanges(ctx, fix.id, changes, backups);
      const unresolved = res.unresolvedLines.length
        ? ` Line ${res.unresolvedLines.join(', ')} still names this server through a wildcard pattern with the old key; it was left unchanged because it covers other servers too: edit it by hand if the check still fails.`
        : '';
      return { applied: true, changes, backups, nextRequest: ctx.request, message: `Replaced the recorded key with ${t.key.sha256} in ${t.file}.${unresolved} Connecting again to check.${logProblem ? ` ${logProblem}` : ''}` };
    },
  },
};
