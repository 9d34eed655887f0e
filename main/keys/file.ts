import { promises as fs } from 'node:fs';
import { KeyError } from './problems';
import { MAX_KEY_FILE_BYTES, tooLarge } from './text';

/**
 * Reads a key file, checking its size BEFORE reading (a 5 GB file is refused at once) and
 * reading at most the limit even if the file grows meanwhile.
 */
export async function readKeyFile(file: string): Promise<Buffer> {
  let st;
  try {
    st = await fs.stat(file);
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    if (code === 'ENOENT') throw new KeyError('KEY_CORRUPT', `There is no file at ${file}.`, 'Check the path and the file name (key files often have no extension, like id_ed25519).', 'not-found');
    if (code === 'EACCES' || code === 'EPERM') throw new KeyError('KEY_CORRUPT', `The file ${file} cannot be read: permission denied.`, 'Run as the user who owns the key, or fix the file permissions.', 'no-access');
    throw err;
  }
  if (st.isDirectory()) throw new KeyError('KEY_UNSUPPORTED_FORMAT', `${file} is a folder, not a key file.`, 'Choose the key file inside it (for example id_ed25519).', 'directory');
  if (st.size > MAX_KEY_FILE_BYTES) throw tooLarge(st.size);
  const h = await fs.open(file, 'r');
  try {
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
