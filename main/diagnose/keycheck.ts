import { randomUUID } from 'node:crypto';
import { promises as fs } from 'node:fs';
import type { Facts } from '../../shared/types';
import { Secret } from '../common/secret';
import { inspectKey, KeyError, keyToolIssues, loadPrivateKeyForSsh, readKeySource, type SshReadyKey } from '../keys/index';
import type { KeyInspection } from '../../shared/keys';
import type { RunContext } from './context';

export type KeyFacts = NonNullable<Facts['key']>;

/** Formats ssh2 reads itself; any other is converted in memory first (and said so in the facts). */
const SSH2_NATIVE = new Set(['openssh', 'pem-pkcs1', 'pem-sec1', 'pem-dsa']);
/** Passphrase attempts when a person is there to type it (as OpenSSH: three). */
const PASSPHRASE_TRIES = 3;

export { keyGiven } from '../keys/index';

async function askPassphrase(ctx: RunContext, attempt: number, fileLabel: string): Promise<Secret | null> {
  if (!ctx.options.prompt) return null;
  ctx.progress('The key needs its passphrase: waiting for you');
  const resume = ctx.pauseBudget();
  try {
    const answer = await ctx.options.prompt({
      kind: 'secret',
      runId: ctx.runId,
      promptId: randomUUID(),
      purpose: 'passphrase',
      title: attempt === 0 ? 'Passphrase for the key' : 'Wrong passphrase: try again',
      instructions: `The key ${fileLabel} is protected by a passphrase.`,
      prompts: [{ text: 'Passphrase', echo: false }],
    });
    if (answer.kind !== 'secret' || !answer.answers || answer.answers[0] === undefined) return null;
    return Secret.from(answer.answers[0]) ?? null;
  } catch {
    return null;
  } finally {
    resume();
  }
}

/**
 * What OpenSSH and PuTTY would make of the key file (its format, its text as read, its mode): one
 * stat of the file, no extra read. A file that cannot be looked at again says nothing here.
 */
async function otherToolsOf(file: string, i: KeyInspection) {
  let mode: number | undefined;
  let ownedByMe: boolean | undefined;
  if (process.platform !== 'win32') {
    try {
      const st = await fs.stat(file);
      mode = st.mode & 0o777;
      ownedByMe = typeof process.getuid === 'function' && st.uid === process.getuid();
    } catch {
      // gone or unreadable since it was read: the format and text facts still hold
    }
  }
  return keyToolIssues({ format: i.format, type: i.type, repairs: i.repairs, ...(mode !== undefined ? { mode, ownedByMe: ownedByMe ?? false } : {}) });
}

/**
 * Reads and opens the private key of the request BEFORE the network is used, converting any
 * format ssh2 cannot read (PPK v2/v3, PKCS#8, ssh.com, SSH-1) in memory. Asks for the passphrase
 * through the prompt when one is needed (up to three times); without a prompt it reports it.
 */
export async function checkKey(ctx: RunContext): Promise<{ facts: KeyFacts; key?: SshReadyKey }> {
  const source = ctx.request.privateKey!;
  const t0 = Date.now();
  const facts: KeyFacts = { source: source.path ? 'file' : source.base64 ? 'base64' : 'text', ...(source.path ? { path: source.path } : {}) };
  const label = source.path ?? 'you gave';
  let bytes: Buffer | string;
  try {
    const read = (await readKeySource(source))!;
    bytes = read.kind === 'text' ? (source.text ?? '') : read.bytes;
  } catch (err) {
    const e = err instanceof KeyError ? err : new KeyError('KEY_CORRUPT', `The key could not be read: ${(err as Error).message}`, 'Choose the key file again.');
    const code = e.reason === 'not-found' || e.reason === 'no-access' ? 'KEY_NOT_FOUND' : e.code;
    return { facts: { ...facts, error: { code, message: e.message, fix: e.fix, ...(e.reason ? { reason: e.reason } : {}) }, ms: Date.now() - t0 } };
  }

  let passphrase: Secret | undefined = Secret.from(ctx.request.passphrase);
  let lastError: KeyError | null = null;
  for (let attempt = 0; attempt < PASSPHRASE_TRIES + 1; attempt++) {
    try {
      const key = await loadPrivateKeyForSsh(bytes, passphrase ?? null, source.path);
      const i = key.inspection;
      Object.assign(facts, {
        format: i.format,
        type: key.type,
        bits: i.bits,
        fingerprint: key.fingerprint_sha256,
        publicKey: `${key.type} ${key.publicBlob.toString('base64')}`,
        encrypted: i.encrypted,
        ...(SSH2_NATIVE.has(i.format) && !i.encrypted ? {} : { convertedFrom: i.format }),
      });
      if (source.path) {
        const otherTools = await otherToolsOf(source.path, i);
        if (otherTools.length) facts.otherTools = otherTools;
      }
      facts.ms = Date.now() - t0;
      return { facts, key };
    } catch (err) {
      if (!(err instanceof KeyError)) throw err;
      lastError = err;
      const wantsPassphrase = err.code === 'KEY_NEEDS_PASSPHRASE' || err.code === 'KEY_WRONG_PASSPHRASE';
      if (!wantsPassphrase || attempt >= PASSPHRASE_TRIES) break;
      const asked = await askPassphrase(ctx, attempt, label);
      if (!asked) break;
      passphrase = asked;
    }
  }
  const e = lastError!;
  // What the file is, for the evidence: read without a passphrase (no key derivation is run).
  try {
    const i = await inspectKey(bytes, { fileName: source.path });
    Object.assign(facts, { format: i.format, type: i.type, bits: i.bits, fingerprint: i.fingerprint_sha256, publicKey: i.publicKeyLine?.split(/\s+/).slice(0, 2).join(' ') ?? null, encrypted: i.encrypted });
  } catch {
    // the error itself is the evidence
  }
  facts.error = { code: e.code, message: e.message, fix: e.fix, ...(e.reason ? { reason: e.reason } : {}) };
  facts.ms = Date.now() - t0;
  return { facts };
}
