import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { matchFingerprint } from './fingerprint';

// A real Ed25519 public key and its fingerprints as ssh-keygen -l prints them (computed here the same way).
const blob = Buffer.from('AAAAC3NzaC1lZDI1NTE5AAAAIPtf6lD1jqRW4SRZkBkte2WmKoTEgGjCDrZST9U3UHRP', 'base64');
const sha = createHash('sha256').update(blob).digest('base64').replace(/=+$/, '');
const md5 = createHash('md5').update(blob).digest('hex').match(/../g)!.join(':');
const key = { sha256: `SHA256:${sha}`, md5: `MD5:${md5}`, publicKey: `ssh-ed25519 ${blob.toString('base64')}` };

describe('matchFingerprint (like WinSCP "Paste key")', () => {
  it.each([
    ['SHA256 as ssh-keygen prints it', `SHA256:${sha}`],
    ['SHA256 with padding and spaces around', `  SHA256:${sha}=  `],
    ['bare SHA256 base64', sha],
    ['a whole ssh-keygen -l line', `256 SHA256:${sha} admin@server (ED25519)`],
    ['PuTTY style', `ssh-ed25519 255 SHA256:${sha}`],
    ['MD5 with prefix', `MD5:${md5}`],
    ['MD5 upper case without prefix', md5.toUpperCase()],
    ['MD5 without colons', md5.replace(/:/g, '')],
    ['SHA256 as hex', createHash('sha256').update(blob).digest('hex')],
    ['the public key line', `${key.publicKey} root@host`],
    ['in a sentence of an e-mail', `Our key is "SHA256:${sha}".`],
  ])('accepts %s', (_name, text) => {
    expect(matchFingerprint(text, key).ok).toBe(true);
  });

  it('refuses another key, and says what to do', () => {
    const other = matchFingerprint('SHA256:47DEQpj8HBSa+/TImW+5JCeuQeRkm5NMpJWZG3hSuFU', key);
    expect(other).toMatchObject({ ok: false, reason: 'mismatch' });
    expect(!other.ok && other.message).toMatch(/does not match/);
    expect(matchFingerprint(`MD5:${md5.replace(/^../, '00')}`, key)).toMatchObject({ ok: false, reason: 'mismatch' });
  });

  it('refuses one changed character', () => {
    const flipped = sha.slice(0, 10) + (sha[10] === 'A' ? 'B' : 'A') + sha.slice(11);
    expect(matchFingerprint(`SHA256:${flipped}`, key).ok).toBe(false);
  });

  it('tells empty input and text that is no fingerprint apart', () => {
    expect(matchFingerprint('   ', key)).toMatchObject({ ok: false, reason: 'empty' });
    expect(matchFingerprint('yes I checked it', key)).toMatchObject({ ok: false, reason: 'not-a-fingerprint' });
    expect(matchFingerprint('x'.repeat(5_000_000), key)).toMatchObject({ ok: false });
  });
});
