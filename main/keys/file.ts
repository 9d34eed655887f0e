import { constants, promises as fs, type Stats } from 'node:fs';
import { KeyError } from './problems';
import { MAX_KEY_FILE_BYTES, tooLarge } from './text';

/** What a path that is not a regular file is, in words a user knows. */
function kindOf(st: Stats): string | null {
  if (st.isFile()) return null;
  if (st.isDirectory()) return 'a folder';
  if (st.isFIFO()) return 'a named pipe (FIFO)';
  if (st.isSocket()) return 'a socket';
  if (st.isCharacterDevice()) return 'a character device';
  if (st.isBlockDevice()) return 'a block device';
  return 'not a regular file';
}

function notAFile(file: string, st: Stats): KeyError {
  const kind = kindOf(st) ?? 'not a regular file';
  if (st.isDirectory()) return new KeyError('KEY_UNSUPPORTED_FORMAT', `${file} is a folder, not a key file.`, 'Choose the key file inside it (for example id_ed25519).', 'directory');
  return new KeyError(
    'KEY_UNSUPPORTED_FORMAT',
    `${file} is ${kind}, not a key file: SFTP Doctor reads keys only from regular files.`,
    'Save the key to an ordinary file (for example ~/.ssh/id_ed25519) and give that path.',
    'not-a-file',
  );
}

// O_NONBLOCK: opening a FIFO with no writer would otherwise wait forever (and hold one of
// libuv's four file threads while it does, starving every other file operation).
const OPEN_FLAGS = constants.O_RDONLY | (constants.O_NONBLOCK ?? 0) | (constants.O_NOCTTY ?? 0);

/**
 * Reads a key file: only a regular file (a FIFO, socket or device is refused by name, at once,
 * without waiting on it), its size checked BEFORE reading (a 5 GB file is refused at once) and
 * at most the limit read even if the file grows meanwhile.
 */
export async function readKeyFile(file: string): Promise<Buffer> {
  let st: Stats;
  try {
    st = await fs.stat(file);
  } catch (err) {
    throw accessError(file, err);
  }
  if (!st.isFile()) throw notAFile(file, st);
  if (st.size > MAX_KEY_FILE_BYTES) throw tooLarge(st.size);
  let h: fs.FileHandle;
  try {
    h = await fs.open(file, OPEN_FLAGS);
  } catch (err) {
    throw accessError(file, err);
  }
  try {
    // The path may have been swapped for something else since the stat: check what was opened.
    const opened = await h.stat();
    if (!opened.isFile()) throw notAFile(file, opened);
    const buf = Buffer.alloc(MAX_KEY_FILE_BYTES + 1);
    let total = 0;
    for (let i = 0; i < 64 && total < buf.length; i++) {
      const { bytesRead } = await h.read(buf, total, buf.length - total, total);
      if (bytesRead === 0) break;
      total += bytesRead;
    }
    if (total > MAX_KEY_FILE_BYTES) throw tooLarge(total);
    return buf.subarray(0, total);
  } finally {
    await h.close();
  }
}

function accessError(file: string, err: unknown): unknown {
  const code = (err as NodeJS.ErrnoException).code;
  if (code === 'ENOENT' || code === 'ENOTDIR') return new KeyError('KEY_CORRUPT', `There is no file at ${file}.`, 'Check the path and the file name (key files often have no extension, like id_ed25519).', 'not-found');
  if (code === 'EACCES' || code === 'EPERM') return new KeyError('KEY_CORRUPT', `The file ${file} cannot be read: permission denied.`, 'Run as the user who owns the key, or fix the file permissions.', 'no-access');
  if (code === 'ELOOP') return new KeyError('KEY_CORRUPT', `${file} is a symbolic link that loops back on itself.`, 'Point the link at the real key file.', 'not-found');
  return err;
}
