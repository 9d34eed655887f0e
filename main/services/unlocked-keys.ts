/**
 * Keys the user unlocked in the key inspector: their passphrases stay in main's memory, per
 * window (or browser tab), so a run with the same key does not ask again. Nothing of this goes
 * back to the renderer or to disk; a window that goes away takes its keys with it.
 *
 * A key is known by the SHA-256 of its file's bytes, not by its public fingerprint: a passphrase
 * opens one file, and another copy of the same key may well have another passphrase.
 */
import { createHash } from 'node:crypto';
import type { ConnectionRequest } from '../../shared/types';
import { Secret } from '../common/secret';
import { readKeySource } from '../keys/index';

/** Keys remembered per window at the most (the oldest is forgotten first). */
const MAX_KEYS_PER_CLIENT = 16;

export function keyIdentity(bytes: Buffer | Uint8Array): string {
  return createHash('sha256').update(bytes).digest('hex');
}

/** The bytes of the request's private key, or null when there is none or it cannot be read. */
async function requestKeyBytes(key: ConnectionRequest['privateKey']): Promise<Buffer | null> {
  return readKeySource(key).then(
    (read) => read?.bytes ?? null,
    () => null,
  );
}

export class UnlockedKeys<Client extends object> {
  readonly #byClient = new WeakMap<Client, Map<string, Secret>>();

  /** The passphrase opened this key (checked by the key library): remember it for this window. */
  remember(client: Client, keyBytes: Buffer | Uint8Array, passphrase: Secret): void {
    let keys = this.#byClient.get(client);
    if (!keys) this.#byClient.set(client, (keys = new Map()));
    const id = keyIdentity(keyBytes);
    keys.delete(id);
    keys.set(id, passphrase);
    while (keys.size > MAX_KEYS_PER_CLIENT) keys.delete(keys.keys().next().value!);
  }

  passphraseFor(client: Client, keyBytes: Buffer | Uint8Array): Secret | undefined {
    return this.#byClient.get(client)?.get(keyIdentity(keyBytes));
  }

  /**
   * The request with the passphrase of its key filled in, when this window unlocked that key and
   * the request brings no passphrase of its own; otherwise the request as it was.
   */
  async fillPassphrase(client: Client, request: ConnectionRequest): Promise<ConnectionRequest> {
    if (request.passphrase || !this.#byClient.get(client)?.size) return request;
    const bytes = await requestKeyBytes(request.privateKey);
    const known = bytes ? this.passphraseFor(client, bytes) : undefined;
    return known ? { ...request, passphrase: known.reveal() } : request;
  }

  forget(client: Client): void {
    this.#byClient.delete(client);
  }
}
