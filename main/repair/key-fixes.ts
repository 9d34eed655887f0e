/**
 * Key fixes: convert a key to a format the connection can use (a new file; the original is never
 * touched) and make a new Ed25519 key pair. New private key files are 0600 and never overwrite.
 */
import { generateKeyPairSync } from 'node:crypto';
import { constants, promises as fs } from 'node:fs';
import path from 'node:path';
import { KEY_TARGET_FORMATS, type KeyTargetFormat } from '../../shared/keys';
import { Secret } from '../common/secret';
import type { KeyRewriteStep } from '../../shared/fixes';
import { cleanKeyText, convertKey, FORMAT_WORDS, inspectKey, KeyError, KeyFileExistsError, readKeyFile, readKeySource, textRepairs, writeKeyFile } from '../keys/index';
import { updateFileAtomic } from '../store/atomic-file';
import { homeOf, logChanges, requireConfirmed, str, targetOf, tildify, withRequest } from './common';
import { RepairError, type FixHandler, type RepairContext } from './types';

const PRIVATE_TARGETS: KeyTargetFormat[] = ['openssh', 'pem', 'ppk-v3', 'ppk-v2'];
const EXT: Record<string, string> = { openssh: '', pem: '.pem', 'ppk-v3': '.ppk', 'ppk-v2': '.ppk' };
/** How many numbered names are tried before giving up (bounded, never overwriting). */
const MAX_NAME_TRIES = 50;

async function exists(file: string): Promise<boolean> {
  try {
    await fs.lstat(file);
    return true;
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return false;
    throw err;
  }
}

/** "base", "base-2", "base-3"...: the first name where neither the key nor its .pub exists. */
async function freeName(folder: string, base: string, ext: string): Promise<string> {
  for (let i = 1; i <= MAX_NAME_TRIES; i++) {
    const file = path.join(folder, `${base}${i === 1 ? '' : `-${i}`}${ext}`);
    if (!(await exists(file)) && !(await exists(`${file}.pub`))) return file;
  }
  throw new RepairError('FAILED', `${folder} already holds ${MAX_NAME_TRIES} files named ${base}…; choose another folder.`);
}

/** Writes a public key file (0644 like ssh-keygen), refusing to replace anything. */
async function writePublic(file: string, text: string): Promise<void> {
  const h = await fs.open(file, constants.O_CREAT | constants.O_EXCL | constants.O_WRONLY, 0o644);
  try {
    await h.writeFile(text);
    await h.sync();
  } finally {
    await h.close();
  }
}

function keyProblem(err: unknown): never {
  if (err instanceof KeyError) {
    if (err.code === 'KEY_NEEDS_PASSPHRASE' || err.code === 'KEY_WRONG_PASSPHRASE') throw new RepairError('NEEDS_INPUT', `${err.message} Enter the key's passphrase in the form, connect again, then convert it.`);
    throw new RepairError('FAILED', `${err.message} ${err.fix} If it cannot be converted, make a new Ed25519 key instead.`);
  }
  if (err instanceof KeyFileExistsError) throw new RepairError('FAILED', `${err.message} Choose another folder.`);
  throw err;
}

async function sourceKey(ctx: RepairContext): Promise<{ bytes: Buffer; path: string | null }> {
  const key = ctx.request.privateKey;
  const read = await readKeySource(key).catch(keyProblem);
  if (read) return { bytes: read.bytes, path: read.path ?? null };
  throw new RepairError('FAILED', 'This attempt used no private key, so there is nothing to convert. Choose your key file, then connect again.');
}

function targetFormat(to: string | undefined): KeyTargetFormat {
  const t = (to ?? '').toLowerCase();
  return (KEY_TARGET_FORMATS as readonly string[]).includes(t) && PRIVATE_TARGETS.includes(t as KeyTargetFormat) ? (t as KeyTargetFormat) : 'openssh';
}

async function convertPlan(ctx: RepairContext, folderInput: string | undefined, to: KeyTargetFormat) {
  const src = await sourceKey(ctx);
  const folder = folderInput || (src.path ? path.dirname(src.path) : path.join(homeOf(ctx), '.ssh'));
  const base = src.path ? path.basename(src.path).replace(/\.(ppk|pem|key|txt|priv)$/i, '') : 'converted_key';
  const file = await freeName(folder, `${base}-${to === 'openssh' ? 'openssh' : to.replace('-v', '')}`, EXT[to] ?? '');
  return { src, folder, file };
}

function newKeyComment(ctx: RepairContext): string {
  const { host } = targetOf(ctx);
  return `${ctx.request.user || 'key'}@${host} (made by SFTP Doctor ${new Date().toISOString().slice(0, 10)})`;
}

const octal = (mode: number) => (mode & 0o777).toString(8).padStart(3, '0');

/** The mode that keeps the owner's own bits (and read) and takes everything from the group and others. */
function privateMode(mode: number): number {
  return (mode & 0o700) | 0o400;
}

/** The name of the OpenSSH copy: the file's name without .ppk (or .key...) when that is free, else "<name>-openssh". */
async function opensshCopyName(file: string): Promise<string> {
  const folder = path.dirname(file);
  const name = path.basename(file);
  const base = name.replace(/\.(ppk|pem|key|txt|priv|sshcom|ssh2)$/i, '');
  if (base !== name && base !== '' && !(await exists(path.join(folder, base))) && !(await exists(path.join(folder, `${base}.pub`)))) return path.join(folder, base);
  return freeName(folder, `${base || 'key'}-openssh`, '');
}

/** The key file this fix is for: the one the attempt used (a fix of an older attempt is refused). */
function rewriteTarget(fix: { params: { path: string; steps: KeyRewriteStep[] } }, ctx: RepairContext): { file: string; steps: KeyRewriteStep[] } {
  const file = fix.params.path;
  const used = ctx.request.privateKey?.path;
  if (!used || path.resolve(used) !== path.resolve(file)) throw new RepairError('FAILED', `This attempt did not log in with ${file}. Connect again with that key, then apply the fix.`);
  return { file, steps: fix.params.steps };
}

async function readForRewrite(file: string): Promise<Buffer> {
  try {
    return await readKeyFile(file);
  } catch (err) {
    if (err instanceof KeyError) throw new RepairError('FAILED', `${err.message} ${err.fix}`);
    throw err;
  }
}

/**
 * The key file's text as first saved, checked to read back as the same key with nothing left to
 * undo; null when it cannot be put back that way (the OpenSSH copy still can be written).
 */
async function cleanedText(bytes: Buffer, passphrase: Secret | null, fileName: string): Promise<string | null> {
  let clean: string | null;
  try {
    clean = cleanKeyText(bytes);
  } catch {
    return null;
  }
  if (clean === null) return null;
  const [a, b] = await Promise.all([inspectKey(bytes, { passphrase, fileName }), inspectKey(clean, { passphrase, fileName })]);
  const same = b.kind === 'private' && b.format === a.format && b.encrypted === a.encrypted && b.fingerprint_sha256 === a.fingerprint_sha256 && b.publicKeyLine === a.publicKeyLine;
  return same && textRepairs(b.repairs).length === 0 ? clean : null;
}

export const keyFixes: { [I in 'convert-key' | 'generate-ed25519-key' | 'rewrite-key-file']: FixHandler<I> } = {
  'rewrite-key-file': {
    async plan(fix, ctx) {
      const { file, steps } = rewriteTarget(fix, ctx);
      const home = homeOf(ctx);
      const shown = tildify(file, home);
      const bytes = await readForRewrite(file);
      const passphrase = Secret.from(ctx.request.passphrase) ?? null;
      const info = await inspectKey(bytes, { passphrase, fileName: file });
      const changes: string[] = [];
      const notes: string[] = [];
      if (steps.includes('private-mode')) {
        const mode = (await fs.stat(file)).mode;
        changes.push(`Make ${shown} readable by you only: mode ${octal(mode)} becomes ${octal(privateMode(mode))}. Its content does not change.`);
      }
      if (steps.includes('clean-text')) {
        const altered = textRepairs(info.repairs);
        changes.push(`Write the text of ${shown} back as it was first saved (${altered.length} change${altered.length === 1 ? '' : 's'} undone: ${altered.map((r) => r.replace(/\.$/, '')).join('; ')}), in place, as one atomic replacement.`);
        changes.push(`Keep the file as it is now, byte for byte, as ${shown}.bak.`);
      }
      if (steps.includes('openssh-copy')) {
        const out = await opensshCopyName(file);
        changes.push(
          `Write an OpenSSH copy of the key (${FORMAT_WORDS[info.format] ?? info.format} now) to ${tildify(out, home)} (readable by you only, mode 600), and its public half to ${tildify(out, home)}.pub. ${shown} itself is not changed: the programs that use it now keep working.`,
        );
        changes.push(`Use the copy for this site${info.encrypted ? '; it is protected by the same passphrase as the original' : ''}.`);
        if (info.encrypted && !passphrase) notes.push('The key is protected by a passphrase, and the copy must be protected by the same one: enter the passphrase in the form (on the command line: --passphrase-env VAR) before applying this fix.');
      }
      return { changes, needs: ['confirmation'], ...(notes.length ? { notes } : {}) };
    },
    async apply(fix, ctx, input) {
      requireConfirmed(fix, input.confirmed);
      const { file, steps } = rewriteTarget(fix, ctx);
      const passphrase = Secret.from(ctx.request.passphrase) ?? null;
      const bytes = await readForRewrite(file);
      const changes: string[] = [];
      const backups: string[] = [];
      let copy: string | null = null;
      // The copy is made (and checked) first: a key that needs its passphrase stops here, before anything changed.
      let converted: Awaited<ReturnType<typeof convertKey>> | null = null;
      if (steps.includes('openssh-copy')) {
        converted = await convertKey(bytes, { to: 'openssh', passphrase, fileName: file }).catch(keyProblem);
        // Never a copy without the original's protection.
        if (converted.source.encrypted && converted.protection !== 'same-passphrase') throw new RepairError('FAILED', 'The copy would not be protected by the key\'s passphrase, so it was not written.');
      }
      let clean: string | null = null;
      if (steps.includes('clean-text')) {
        clean = await cleanedText(bytes, passphrase, file);
        if (clean === null && !converted) throw new RepairError('FAILED', `The text of ${file} could not be put back without changing the key. Write a clean copy instead: sftp-doctor keys convert ${file} --to openssh -o NEWFILE (it keeps the passphrase).`);
      }
      if (steps.includes('private-mode')) {
        const st = await fs.stat(file);
        if ((st.mode & 0o077) !== 0) {
          await fs.chmod(file, privateMode(st.mode));
          changes.push(`Set ${file} to mode ${octal(privateMode(st.mode))} (was ${octal(st.mode)})`);
        }
      }
      if (clean !== null) {
        const cleanText = clean;
        const res = await updateFileAtomic(file, (current) => (current && current.equals(bytes) ? { data: cleanText, value: true } : { data: null, value: false }), { backup: true }).catch((err: Error) => {
          throw new RepairError('FAILED', err.message);
        });
        if (!res.written) throw new RepairError('FAILED', `${file} changed while it was being repaired, so it was left as it is. Connect again, then apply the fix.`);
        changes.push(`Rewrote ${res.path} as it was first saved (${textRepairs((await inspectKey(bytes, { fileName: file })).repairs).length} change(s) undone)`);
        if (res.backupPath) backups.push(res.backupPath);
      }
      if (converted) {
        copy = await opensshCopyName(file);
        await fs.mkdir(path.dirname(copy), { recursive: true, mode: 0o700 });
        await writeKeyFile(copy, converted.text).catch(keyProblem);
        const pub = await convertKey(bytes, { to: 'openssh-public', passphrase, fileName: file }).catch(keyProblem);
        await writePublic(`${copy}.pub`, pub.text);
        changes.push(`Wrote ${copy} (OpenSSH, mode 600, ${converted.inspection.fingerprint_sha256}${converted.protection === 'same-passphrase' ? ', same passphrase' : ''})`, `Wrote ${copy}.pub`);
      }
      const logProblem = await logChanges(ctx, fix.id, changes, backups);
      const kept = copy ? `; ${file} is unchanged` : backups.length ? `; the file as it was is kept as ${backups[0]}` : '';
      return {
        applied: true,
        changes,
        backups,
        ...(copy ? { settings: { privateKey: { path: copy } } } : {}),
        nextRequest: copy ? withRequest(ctx.request, { privateKey: { path: copy } }) : ctx.request,
        message: `${copy ? `Wrote an OpenSSH copy of the key: ${copy}` : `Rewrote ${file} for ${fix.params.tools}`}${kept}. Connecting again with it.${logProblem ? ` ${logProblem}` : ''}`,
      };
    },
  },


  'convert-key': {
    async plan(fix, ctx) {
      const to = targetFormat(str(fix.params, 'to'));
      const { src, file } = await convertPlan(ctx, undefined, to);
      const home = homeOf(ctx);
      const info = await inspectKey(src.bytes, { passphrase: Secret.from(ctx.request.passphrase) ?? null, ...(src.path ? { fileName: src.path } : {}) });
      return {
        changes: [
          `Read the key ${src.path ? tildify(src.path, home) : '(pasted)'} (${info.format}${info.type ? `, ${info.type}` : ''}) and write a copy in ${to === 'openssh' ? 'OpenSSH' : to.toUpperCase()} format to ${tildify(file, home)} (readable by you only, mode 600)${src.path ? '' : ' or in the folder you choose'}.`,
          `Also write its public half to ${tildify(file, home)}.pub.`,
          src.path ? `The original file ${tildify(src.path, home)} is not changed.` : 'Nothing existing is changed or overwritten.',
          `Use the new file for this site${ctx.request.passphrase ? ' (protected by the same passphrase)' : ''}.`,
        ],
        needs: src.path ? ['confirmation'] : ['confirmation', 'folder'],
      };
    },
    async apply(fix, ctx, input) {
      requireConfirmed(fix, input.confirmed);
      const to = targetFormat(str(fix.params, 'to'));
      const { src, file } = await convertPlan(ctx, input.folder, to);
      const newPassphrase = input.newPassphrase ?? ctx.request.passphrase;
      const opts = { passphrase: Secret.from(ctx.request.passphrase) ?? null, ...(src.path ? { fileName: src.path } : {}) };
      const converted = await convertKey(src.bytes, { ...opts, to, newPassphrase: Secret.from(newPassphrase) ?? null }).catch(keyProblem);
      const pub = await convertKey(src.bytes, { ...opts, to: 'openssh-public' }).catch(keyProblem);
      await fs.mkdir(path.dirname(file), { recursive: true, mode: 0o700 });
      await writeKeyFile(file, converted.text).catch(keyProblem);
      await writePublic(`${file}.pub`, pub.text);
      const changes = [`Wrote ${file} (${to}, mode 600, ${converted.inspection.fingerprint_sha256})`, `Wrote ${file}.pub`];
      const logProblem = await logChanges(ctx, fix.id, changes, []);
      return {
        applied: true,
        changes,
        backups: [],
        settings: { privateKey: { path: file } },
        nextRequest: withRequest(ctx.request, { privateKey: { path: file }, passphrase: newPassphrase || undefined }),
        message: `Converted the key to ${file}${src.path ? `; the original ${src.path} is unchanged` : ''}. Connecting again with it.${logProblem ? ` ${logProblem}` : ''}`,
      };
    },
  },

  'generate-ed25519-key': {
    async plan(_fix, ctx) {
      const home = homeOf(ctx);
      const file = await freeName(path.join(home, '.ssh'), 'id_ed25519', '');
      return {
        changes: [
          `Make a new Ed25519 key pair: the private key in ${tildify(file, home)} (readable by you only, mode 600) and the public key in ${tildify(file, home)}.pub — or in the folder you choose.`,
          'No existing file is changed or overwritten.',
          'Use the new key for this site. The server does not know it yet: give the public key to the administrator, or put it on the server with the fix offered next.',
        ],
        needs: ['confirmation', 'folder'],
        notes: ['Without a passphrase, anyone who gets a copy of the private key file can log in as you. Set one if others use this computer.'],
      };
    },
    async apply(fix, ctx, input) {
      requireConfirmed(fix, input.confirmed);
      const folder = input.folder?.trim() || path.join(homeOf(ctx), '.ssh');
      if (!path.isAbsolute(folder)) throw new RepairError('NEEDS_INPUT', `"${folder}" is not a full folder path. Choose a folder such as ${path.join(homeOf(ctx), '.ssh')}.`);
      await fs.mkdir(folder, { recursive: true, mode: 0o700 });
      const file = await freeName(folder, 'id_ed25519', '');
      const pem = generateKeyPairSync('ed25519').privateKey.export({ type: 'pkcs8', format: 'pem' }).toString();
      const comment = newKeyComment(ctx);
      const newPassphrase = Secret.from(input.newPassphrase) ?? null;
      const priv = await convertKey(pem, { to: 'openssh', newPassphrase, comment }).catch(keyProblem);
      const pub = await convertKey(pem, { to: 'openssh-public', comment }).catch(keyProblem);
      await writeKeyFile(file, priv.text).catch(keyProblem);
      await writePublic(`${file}.pub`, pub.text);
      const changes = [`Created ${file} (Ed25519 private key, mode 600, ${priv.inspection.fingerprint_sha256})`, `Created ${file}.pub`];
      const logProblem = await logChanges(ctx, fix.id, changes, []);
      return {
        applied: true,
        changes,
        backups: [],
        settings: { privateKey: { path: file } },
        nextRequest: withRequest(ctx.request, { privateKey: { path: file }, passphrase: input.newPassphrase || undefined }),
        message: `Made a new Ed25519 key: ${file}. Its public half, to put on the server: ${pub.text.trim()}. Connecting again with it.${logProblem ? ` ${logProblem}` : ''}`,
      };
    },
  },
};
