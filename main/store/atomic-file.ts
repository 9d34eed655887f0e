import { constants, promises as fs } from 'node:fs';
import { randomBytes } from 'node:crypto';
import path from 'node:path';

export interface AtomicWriteOptions {
  /** File mode for a new file; an existing file keeps its own mode. Default 0o600. */
  mode?: number;
  /** Copy the current file to `<file>.bak` (or this path) before replacing it. Default true. */
  backup?: boolean | string;
}

export interface AtomicWriteResult {
  path: string;
  backupPath: string | null;
}

/**
 * Replace a file's content so that a reader (or a crash) sees either the old file or the new
 * one, never a mix: write a temporary file in the same folder, fsync it, then rename it over
 * the target. The previous content is kept as a backup first.
 */
export async function writeFileAtomic(file: string, data: string | Uint8Array, options: AtomicWriteOptions = {}): Promise<AtomicWriteResult> {
  const dir = path.dirname(file);
  await fs.mkdir(dir, { recursive: true, mode: 0o700 });

  let mode = options.mode ?? 0o600;
  let existed = false;
  try {
    const st = await fs.stat(file);
    mode = st.mode & 0o777;
    existed = true;
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'ENOENT') throw err;
  }

  let backupPath: string | null = null;
  if (existed && options.backup !== false) {
    backupPath = typeof options.backup === 'string' ? options.backup : `${file}.bak`;
    await fs.copyFile(file, backupPath);
    await fs.chmod(backupPath, mode);
  }

  const tmp = path.join(dir, `.${path.basename(file)}.${process.pid}.${randomBytes(6).toString('hex')}.tmp`);
  const handle = await fs.open(tmp, constants.O_CREAT | constants.O_EXCL | constants.O_WRONLY, mode);
  try {
    await handle.writeFile(data);
    await handle.sync();
  } catch (err) {
    await handle.close();
    await fs.rm(tmp, { force: true });
    throw err;
  }
  await handle.close();
  try {
    await fs.rename(tmp, file);
  } catch (err) {
    await fs.rm(tmp, { force: true });
    throw err;
  }
  // Make the rename itself durable where the platform allows it.
  try {
    const d = await fs.open(dir, 'r');
    try {
      await d.sync();
    } finally {
      await d.close();
    }
  } catch {
    // Directories cannot be opened for fsync on some platforms (Windows); the rename stands.
  }
  return { path: file, backupPath };
}
