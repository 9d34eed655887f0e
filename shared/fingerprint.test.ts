import { describe, expect, it } from 'vitest';
import { compareFingerprint, groupFingerprint, matchFingerprint, parseFingerprint } from './fingerprint';

// A real Ed25519 public key and its fingerprints as `ssh-keygen -l -E sha256|md5` prints them.
const BLOB = 'AAAAC3NzaC1lZDI1NTE5AAAAIPtf6lD1jqRW4SRZkBkte2WmKoTEgGjCDrZST9U3UHRP';
const SHA = 'FSgxTiXxrp16T0HKpEKr4QrCllTvTJsPkLWBTu1zCHA';
const MD5 = 'fb:d0:f5:09:94:87:9d:33:15:b3:6c:da:14:fa:1b:d1';
const SHA_HEX = '1528314e25f1ae9d7a4f41caa442abe10ac29654ef4c9b0f90b5814eed730870';
const key = { sha256: `SHA256:${SHA}`, md5: `MD5:${MD5}`, publicKey: `ssh-ed25519 ${BLOB}` };
const grouped = (s: string): string => groupFingerprint(s).prefix + groupFingerprint(s).groups.join(' ');

describe('matchFingerprint: the one rule repair and the window share (like WinSCP "Paste key")', () => {
  it.each([
    ['SHA256 as ssh-keygen prints it', `SHA256:${SHA}`],
    ['SHA256 with padding and spaces around', `  SHA256:${SHA}=  `],
    ['bare SHA256 base64', SHA],
    ['SHA256 copied from the window in groups of four', grouped(key.sha256)],
    ['a whole ssh-keygen -l line', `256 SHA256:${SHA} admin@server (ED25519)`],
    ['PuTTY style', `ssh-ed25519 255 SHA256:${SHA}`],
    ['MD5 with prefix', `MD5:${MD5}`],
    ['MD5 copied from the window in groups of four', grouped(key.md5)],
    ['MD5 upper case without prefix', MD5.toUpperCase()],
    ['MD5 without colons', MD5.replace(/:/g, '')],
    ['SHA256 as hex', SHA_HEX],
    ['the public key line', `${key.publicKey} root@host`],
    ['in a sentence of an e-mail', `Our key is "SHA256:${SHA}".`],
  ])('accepts %s, and the window shows it as a match', (_name, text) => {
    expect(matchFingerprint(text, key).ok).toBe(true);
    expect(compareFingerprint(text, key).status).toBe('match');
  });

  it('refuses another key, and says what to do', () => {
    const other = matchFingerprint('SHA256:47DEQpj8HBSa+/TImW+5JCeuQeRkm5NMpJWZG3hSuFU', key);
    expect(other).toMatchObject({ ok: false, reason: 'mismatch' });
    expect(!other.ok && other.message).toMatch(/does not match/);
    expect(matchFingerprint(`MD5:${MD5.replace(/^../, '00')}`, key)).toMatchObject({ ok: false, reason: 'mismatch' });
    expect(compareFingerprint(SHA_HEX.replace(/^../, '00'), key)).toMatchObject({ status: 'mismatch' });
  });

  it('refuses one changed character, and a lower-cased base64 fingerprint', () => {
    const flipped = SHA.slice(0, 10) + (SHA[10] === 'A' ? 'B' : 'A') + SHA.slice(11);
    expect(matchFingerprint(`SHA256:${flipped}`, key).ok).toBe(false);
    expect(compareFingerprint(`SHA256:${flipped}`, key)).toEqual({ status: 'mismatch', kind: 'sha256' });
    expect(compareFingerprint(`SHA256:${SHA.toLowerCase()}`, key)).toEqual({ status: 'mismatch', kind: 'sha256' });
  });

  it('tells empty input and text that is no fingerprint apart', () => {
    expect(matchFingerprint('   ', key)).toMatchObject({ ok: false, reason: 'empty' });
    expect(matchFingerprint('yes I checked it', key)).toMatchObject({ ok: false, reason: 'not-a-fingerprint' });
    expect(matchFingerprint('x'.repeat(5_000_000), key)).toMatchObject({ ok: false });
    expect(compareFingerprint('   ', key)).toEqual({ status: 'empty' });
    expect(compareFingerprint('yes it is the right one', key)).toEqual({ status: 'unreadable' });
    expect(parseFingerprint('hello')).toBeNull();
  });
});

describe('compareFingerprint: live feedback in the window', () => {
  it('says "so far so good" while the fingerprint is being typed', () => {
    expect(compareFingerprint(`SHA256:${SHA.slice(0, 6)}`, key)).toEqual({ status: 'partial', kind: 'sha256' });
    expect(compareFingerprint('MD5:fb:d0:f5', key)).toEqual({ status: 'partial', kind: 'md5' });
    expect(compareFingerprint('MD5:fb:d0:00', key)).toEqual({ status: 'mismatch', kind: 'md5' });
  });

  it('groups fingerprints for reading', () => {
    expect(groupFingerprint(key.sha256)).toEqual({ prefix: 'SHA256:', groups: ['FSgx', 'TiXx', 'rp16', 'T0HK', 'pEKr', '4QrC', 'llTv', 'TJsP', 'kLWB', 'Tu1z', 'CHA'] });
    expect(groupFingerprint(key.md5)).toEqual({ prefix: 'MD5:', groups: ['fb:d0:f5:09', '94:87:9d:33', '15:b3:6c:da', '14:fa:1b:d1'] });
  });
});
