/** The keys:* channels: the key inspector of the UI over the key library. */
import path from 'node:path';
import type { ApiRequests, KeyInput } from '../../shared/api';
import { Secret } from '../common/secret';
import { convertKey, inspectKey, KeyError, readKeySource } from '../keys/index';
import type { PathGate } from './browser-paths';
import { ApiError } from './errors';
import type { RunClient } from './runs';
import type { UnlockedKeys } from './unlocked-keys';

type KeyChannel = 'keys:inspect' | 'keys:convert';
export type KeyHandlers = { [K in KeyChannel]: (args: ApiRequests[K]['args'], ctx: { client: RunClient }) => Promise<ApiRequests[K]['result']> };

const EXTENSIONS: Record<ApiRequests['keys:convert']['args'][1], string> = {
  openssh: '',
  pem: '.pem',
  'ppk-v3': '.ppk',
  'ppk-v2': '.ppk',
  'openssh-public': '.pub',
  'rfc4716-public': '.rfc4716.pub',
};

async function keyBytes(key: KeyInput, gate: PathGate): Promise<Buffer> {
  try {
    const read = await readKeySource(key, { checkPath: () => gate.key(key) });
    if (read) return read.bytes;
  } catch (err) {
    // Bytes the page sent that are far too large or not whole: a bad argument, said plainly.
    if (err instanceof KeyError && key.path === undefined) throw new ApiError('INVALID_ARGUMENT', err.reason === 'too-large' ? 'This file is far too large to be an SSH key.' : err.message);
    throw err;
  }
  throw new ApiError('INVALID_ARGUMENT', 'No key was given.');
}

/** The name the new file should get: the input's base name with the target's extension. */
export function suggestedFileName(inputName: string | undefined, to: keyof typeof EXTENSIONS, type: string | null): string {
  const base = inputName ? path.basename(inputName).replace(/\.(ppk|pem|pub|key|txt)$/i, '') : `id_${(type ?? 'key').replace(/^ssh-|^ecdsa-sha2-/, '')}`;
  return `${base}${EXTENSIONS[to]}` || 'id_key';
}

export interface KeyHandlerOptions {
  /** Which key paths may be read: any (desktop app), only those the host issued (browser host). */
  gate: PathGate;
  /** Where a passphrase the inspector checked is kept for the window's runs. */
  unlocked: UnlockedKeys<RunClient>;
}

export function keyHandlers({ gate, unlocked }: KeyHandlerOptions): KeyHandlers {
  return {
    'keys:inspect': async ([key, passphrase], ctx) => {
      const fileName = key.name ?? key.path;
      const bytes = await keyBytes(key, gate);
      const secret = Secret.from(passphrase);
      const inspection = await inspectKey(bytes, { passphrase: secret ?? null, ...(fileName ? { fileName } : {}) });
      // Unlocked here: the window's next run with this key is not asked for it again.
      if (secret && inspection.passphraseChecked) unlocked.remember(ctx.client, bytes, secret);
      return inspection;
    },
    'keys:convert': async ([key, to, options]) => {
      const fileName = key.name ?? key.path;
      try {
        const result = await convertKey(await keyBytes(key, gate), {
          to,
          passphrase: Secret.from(options.passphrase) ?? null,
          newPassphrase: Secret.from(options.newPassphrase) ?? null,
          noPassphrase: options.noPassphrase === true,
          ...(fileName ? { fileName } : {}),
        });
        return { text: result.text, fileName: suggestedFileName(fileName, to, result.inspection.type), inspection: result.inspection, protection: result.protection };
      } catch (err) {
        if (err instanceof KeyError) throw new ApiError('FAILED', `${err.message} ${err.fix}`);
        throw err;
      }
    },
  };
}
