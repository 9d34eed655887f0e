/** The keys:* channels: the key inspector of the UI over the key library. */
import path from 'node:path';
import type { ApiRequests, KeyInput } from '../../shared/api';
import { Secret } from '../common/secret';
import { convertKey, inspectKey, KeyError, MAX_KEY_FILE_BYTES, readKeyFile } from '../keys/index';
import { ApiError } from './errors';

type KeyChannel = 'keys:inspect' | 'keys:convert';
export type KeyHandlers = { [K in KeyChannel]: (args: ApiRequests[K]['args']) => Promise<ApiRequests[K]['result']> };

const EXTENSIONS: Record<ApiRequests['keys:convert']['args'][1], string> = {
  openssh: '',
  pem: '.pem',
  'ppk-v3': '.ppk',
  'ppk-v2': '.ppk',
  'openssh-public': '.pub',
  'rfc4716-public': '.rfc4716.pub',
};

async function keyBytes(key: KeyInput): Promise<Buffer> {
  if (key.base64 !== undefined) {
    const bytes = Buffer.from(key.base64, 'base64');
    if (bytes.length > MAX_KEY_FILE_BYTES) throw new ApiError('INVALID_ARGUMENT', 'This file is far too large to be an SSH key.');
    return bytes;
  }
  if (key.text !== undefined) return Buffer.from(key.text, 'utf8');
  if (key.path !== undefined) return readKeyFile(key.path);
  throw new ApiError('INVALID_ARGUMENT', 'No key was given.');
}

/** The name the new file should get: the input's base name with the target's extension. */
export function suggestedFileName(inputName: string | undefined, to: keyof typeof EXTENSIONS, type: string | null): string {
  const base = inputName ? path.basename(inputName).replace(/\.(ppk|pem|pub|key|txt)$/i, '') : `id_${(type ?? 'key').replace(/^ssh-|^ecdsa-sha2-/, '')}`;
  return `${base}${EXTENSIONS[to]}` || 'id_key';
}

export function keyHandlers(): KeyHandlers {
  return {
    'keys:inspect': async ([key, passphrase]) => {
      const fileName = key.name ?? key.path;
      return inspectKey(await keyBytes(key), { passphrase: Secret.from(passphrase) ?? null, ...(fileName ? { fileName } : {}) });
    },
    'keys:convert': async ([key, to, options]) => {
      const fileName = key.name ?? key.path;
      try {
        const result = await convertKey(await keyBytes(key), {
          to,
          passphrase: Secret.from(options.passphrase) ?? null,
          newPassphrase: Secret.from(options.newPassphrase) ?? null,
          ...(fileName ? { fileName } : {}),
        });
        return { text: result.text, fileName: suggestedFileName(fileName, to, result.inspection.type), inspection: result.inspection };
      } catch (err) {
        if (err instanceof KeyError) throw new ApiError('FAILED', `${err.message} ${err.fix}`);
        throw err;
      }
    },
  };
}
