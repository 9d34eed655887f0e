import * as ssh2Constants from 'ssh2/lib/protocol/constants.js';
import { ALGORITHM_CATEGORIES, type AlgorithmCategory, type AlgorithmLists, type AlgorithmMismatch } from '../../shared/types';

/**
 * What ssh2 offers by default and what it could enable for a legacy server, read from ssh2 itself
 * (lib/protocol/constants.js: DEFAULT_* is offered, SUPPORTED_* minus DEFAULT_* is the weak rest).
 */
export interface Ssh2Constants {
  DEFAULT_KEX: string[];
  SUPPORTED_KEX: string[];
  DEFAULT_SERVER_HOST_KEY: string[];
  SUPPORTED_SERVER_HOST_KEY: string[];
  DEFAULT_CIPHER: string[];
  SUPPORTED_CIPHER: string[];
  DEFAULT_MAC: string[];
  SUPPORTED_MAC: string[];
  DEFAULT_COMPRESSION: string[];
  SUPPORTED_COMPRESSION: string[];
}

const constants: Ssh2Constants = ssh2Constants;

export const CATEGORIES: readonly AlgorithmCategory[] = ALGORITHM_CATEGORIES;

export const DEFAULT_ALGORITHMS: AlgorithmLists = {
  kex: [...constants.DEFAULT_KEX],
  serverHostKey: [...constants.DEFAULT_SERVER_HOST_KEY],
  cipher: [...constants.DEFAULT_CIPHER],
  mac: [...constants.DEFAULT_MAC],
  compression: [...constants.DEFAULT_COMPRESSION],
};

const SUPPORTED: AlgorithmLists = {
  kex: constants.SUPPORTED_KEX,
  serverHostKey: constants.SUPPORTED_SERVER_HOST_KEY,
  cipher: constants.SUPPORTED_CIPHER,
  mac: constants.SUPPORTED_MAC,
  compression: constants.SUPPORTED_COMPRESSION,
};

/** Weak algorithms ssh2 can use but does not offer unless a site allows them, by category. */
export const LEGACY_ALGORITHMS: AlgorithmLists = {
  kex: SUPPORTED.kex.filter((a) => !DEFAULT_ALGORITHMS.kex.includes(a)),
  serverHostKey: SUPPORTED.serverHostKey.filter((a) => !DEFAULT_ALGORITHMS.serverHostKey.includes(a)),
  cipher: SUPPORTED.cipher.filter((a) => !DEFAULT_ALGORITHMS.cipher.includes(a)),
  mac: SUPPORTED.mac.filter((a) => !DEFAULT_ALGORITHMS.mac.includes(a)),
  compression: SUPPORTED.compression.filter((a) => !DEFAULT_ALGORITHMS.compression.includes(a)),
};

/** Markers in the kex list that are not real algorithms (extension and strict-kex signals). */
const PSEUDO_KEX = /^(ext-info-[cs]|kex-strict-[cs]-v00@openssh\.com)$/;

/** AEAD ciphers carry their own integrity check: with them no MAC is negotiated. */
export function isAead(cipher: string): boolean {
  return /gcm|chacha20-poly1305/.test(cipher);
}

/** Our offer for a request: the defaults plus the legacy names this site allows (unknown names ignored). */
export function clientAlgorithms(legacy: readonly string[] = [], preferredHostKeyTypes: readonly string[] = []): AlgorithmLists {
  const out = {} as AlgorithmLists;
  for (const cat of CATEGORIES) {
    out[cat] = [...DEFAULT_ALGORITHMS[cat], ...LEGACY_ALGORITHMS[cat].filter((a) => legacy.includes(a))];
  }
  if (preferredHostKeyTypes.length > 0) out.serverHostKey = preferHostKeyTypes(out.serverHostKey, preferredHostKeyTypes);
  return out;
}

/** Moves host key algorithms that produce an already-recorded key type to the front (as OpenSSH does). */
function preferHostKeyTypes(list: string[], keyTypes: readonly string[]): string[] {
  const producesKnown = (alg: string) => keyTypes.some((t) => t === alg || (t === 'ssh-rsa' && (alg === 'rsa-sha2-512' || alg === 'rsa-sha2-256')));
  return [...list.filter(producesKnown), ...list.filter((a) => !producesKnown(a))];
}

/** The algorithm ssh2 would pick in a category: the first of ours the server also offers. */
function pick(client: string[], server: string[]): string | undefined {
  return client.find((a) => server.includes(a));
}

/**
 * The first category in which we and the server have nothing in common, with the weak algorithms
 * we could enable for it. MACs only count when the chosen cipher needs one.
 */
export function findMismatch(client: AlgorithmLists, server: AlgorithmLists, serverToClient?: { cipher: string[]; mac: string[] }): AlgorithmMismatch | null {
  const realKex = server.kex.filter((a) => !PSEUDO_KEX.test(a));
  const serverLists: AlgorithmLists = { ...server, kex: realKex };
  for (const cat of CATEGORIES) {
    if (cat === 'mac') {
      const cipher = pick(client.cipher, server.cipher);
      if (cipher && isAead(cipher)) continue;
    }
    const check = (serverList: string[]): AlgorithmMismatch | null =>
      pick(client[cat], serverList) === undefined
        ? { category: cat, server: serverList, client: client[cat], legacyCandidates: LEGACY_ALGORITHMS[cat].filter((a) => serverList.includes(a)) }
        : null;
    const m = check(serverLists[cat]);
    if (m) return m;
    if (serverToClient && (cat === 'cipher' || cat === 'mac')) {
      const m2 = check(serverToClient[cat]);
      if (m2) return m2;
    }
  }
  return null;
}

/**
 * The weak algorithms ssh2 can enable, least weak first. A fixed group of 2048 bits beats a group
 * the server picks (old servers pick 1024 bits) and both beat the 1024-bit group1; an AEAD cipher
 * (which also needs no MAC) beats CBC, and AES beats triple DES; a truncated SHA-2 MAC beats SHA-1
 * and MD5. Names ssh2 adds later and this list does not know come after these, in ssh2's order.
 */
const LEAST_WEAK_FIRST: AlgorithmLists = {
  kex: ['diffie-hellman-group14-sha1', 'diffie-hellman-group-exchange-sha1', 'diffie-hellman-group1-sha1'],
  serverHostKey: ['ssh-dss'],
  cipher: ['aes256-gcm', 'aes128-gcm', 'aes256-cbc', 'aes192-cbc', 'aes128-cbc', '3des-cbc'],
  mac: ['hmac-sha2-512-96', 'hmac-sha2-256-96', 'hmac-ripemd160', 'hmac-sha1-96', 'hmac-md5', 'hmac-md5-96'],
  compression: [],
};

function byWeakness(cat: AlgorithmCategory): string[] {
  const rank = (a: string) => {
    const i = LEAST_WEAK_FIRST[cat].indexOf(a);
    return i < 0 ? LEAST_WEAK_FIRST[cat].length : i;
  };
  return [...LEGACY_ALGORITHMS[cat]].sort((a, b) => rank(a) - rank(b));
}

/** One weak algorithm to allow, and the category it is for. */
export interface LegacyChoice {
  category: AlgorithmCategory;
  algorithm: string;
}

/**
 * What a site must allow so that the whole key exchange with this server succeeds in one go: for
 * each category where nothing we offer is in the server's offer, the least weak algorithm that
 * ssh2 supports and the server offers (in both directions when the server's lists differ).
 * `missing`: categories where no such algorithm exists (then allowing the others would not help).
 * A weak cipher that carries its own integrity check (AEAD) makes a weak MAC unnecessary.
 */
export function legacyPlan(client: AlgorithmLists, server: AlgorithmLists, serverToClient?: { cipher: string[]; mac: string[] }): { choices: LegacyChoice[]; missing: AlgorithmCategory[] } {
  const offer: AlgorithmLists = { ...client };
  const serverLists: AlgorithmLists = { ...server, kex: server.kex.filter((a) => !PSEUDO_KEX.test(a)) };
  const choices: LegacyChoice[] = [];
  const missing: AlgorithmCategory[] = [];
  for (const cat of CATEGORIES) {
    if (cat === 'mac') {
      const cipher = pick(offer.cipher, serverLists.cipher);
      if (cipher && isAead(cipher)) continue;
    }
    const lists = serverToClient && (cat === 'cipher' || cat === 'mac') ? [serverLists[cat], serverToClient[cat]] : [serverLists[cat]];
    for (const list of lists) {
      if (pick(offer[cat], list) !== undefined) continue;
      const choice = byWeakness(cat).find((a) => list.includes(a));
      if (!choice) {
        if (!missing.includes(cat)) missing.push(cat);
        continue;
      }
      choices.push({ category: cat, algorithm: choice });
      // ssh2 offers allowed weak names after its defaults, so the choice is what gets negotiated.
      offer[cat] = [...offer[cat], choice];
    }
  }
  return { choices, missing };
}

/** Options for ssh2's Client `algorithms` setting, or undefined to keep its defaults. */
export function ssh2AlgorithmOption(lists: AlgorithmLists): Record<string, string[]> | undefined {
  const same = CATEGORIES.every((c) => lists[c].length === DEFAULT_ALGORITHMS[c].length && lists[c].every((a, i) => a === DEFAULT_ALGORITHMS[c][i]));
  if (same) return undefined;
  return { kex: lists.kex, serverHostKey: lists.serverHostKey, cipher: lists.cipher, hmac: lists.mac, compress: lists.compression };
}
