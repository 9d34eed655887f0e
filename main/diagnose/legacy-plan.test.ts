import { describe, expect, it } from 'vitest';
import type { AlgorithmLists } from '../../shared/types';
import { DEFAULT_ALGORITHMS, legacyPlan } from './algorithms';

const modern: AlgorithmLists = { kex: ['curve25519-sha256'], serverHostKey: ['ssh-ed25519'], cipher: ['aes128-ctr'], mac: ['hmac-sha2-256'], compression: ['none'] };
const ours = (): AlgorithmLists => structuredClone(DEFAULT_ALGORITHMS);

describe('legacyPlan: the least weak algorithm per category the server needs', () => {
  it('nothing to allow with a modern server', () => {
    expect(legacyPlan(ours(), modern)).toEqual({ choices: [], missing: [] });
  });

  it('picks group14 over group1, AES over 3DES, SHA-1-96 over MD5, in one plan', () => {
    const server = { ...modern, kex: ['diffie-hellman-group1-sha1', 'diffie-hellman-group14-sha1', 'ext-info-s'], cipher: ['3des-cbc', 'aes128-cbc'], mac: ['hmac-md5', 'hmac-sha1-96'] };
    expect(legacyPlan(ours(), server).choices).toEqual([
      { category: 'kex', algorithm: 'diffie-hellman-group14-sha1' },
      { category: 'cipher', algorithm: 'aes128-cbc' },
      { category: 'mac', algorithm: 'hmac-sha1-96' },
    ]);
  });

  it('a weak AEAD cipher needs no weak MAC, and is preferred over CBC', () => {
    const server = { ...modern, cipher: ['aes256-cbc', 'aes128-gcm'], mac: ['hmac-md5'] };
    expect(legacyPlan(ours(), server)).toEqual({ choices: [{ category: 'cipher', algorithm: 'aes128-gcm' }], missing: [] });
  });

  it('a modern cipher the server also offers: no cipher is allowed, only the MAC it lacks', () => {
    const server = { ...modern, cipher: ['aes128-ctr', 'aes128-cbc'], mac: ['hmac-md5-96', 'hmac-md5'] };
    expect(legacyPlan(ours(), server).choices).toEqual([{ category: 'mac', algorithm: 'hmac-md5' }]);
  });

  it('a category nothing can serve is reported as missing', () => {
    expect(legacyPlan(ours(), { ...modern, kex: ['diffie-hellman-group14-sha1'], cipher: ['arcfour'] })).toEqual({ choices: [{ category: 'kex', algorithm: 'diffie-hellman-group14-sha1' }], missing: ['cipher'] });
  });

  it('what the site already allows counts; a server-to-client list of its own is served too', () => {
    const client = ours();
    client.cipher.push('aes128-cbc');
    expect(legacyPlan(client, { ...modern, cipher: ['aes128-cbc'] }).choices).toEqual([]);
    expect(legacyPlan(ours(), { ...modern, cipher: ['aes128-cbc'] }, { cipher: ['3des-cbc'], mac: modern.mac }).choices).toEqual([
      { category: 'cipher', algorithm: 'aes128-cbc' },
      { category: 'cipher', algorithm: '3des-cbc' },
    ]);
  });
});
