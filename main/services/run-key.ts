import type { ConnectionRequest } from '../../shared/types';
import { Secret } from '../common/secret';
import { inspectKey, readKeySource } from '../keys/index';

/**
 * The key of an attempt as the inspector sees it (with the passphrase, so encryption details are
 * right), for the bundle; null when there is no readable key. The window's export and
 * `diagnose --bundle` both use it.
 */
export async function runKeyInspection(request: ConnectionRequest) {
  const key = request.privateKey;
  if (!key) return null;
  try {
    const bytes = (await readKeySource(key))?.bytes;
    if (!bytes) return null;
    return await inspectKey(bytes, { passphrase: Secret.from(request.passphrase) ?? null, ...(key.path ? { fileName: key.path } : {}) });
  } catch {
    return null;
  }
}
