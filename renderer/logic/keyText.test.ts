import { describe, expect, it } from 'vitest';
import { KEY_FORMATS, KEY_TARGET_FORMATS } from '../../shared/keys';
import { encryptionText, FORMAT_NAMES, TARGETS, typeText } from './keyText';
import { privateKeyHint } from './keyFile';

describe('key inspector words', () => {
  it('names every format and offers every conversion target', () => {
    for (const f of KEY_FORMATS) expect(FORMAT_NAMES[f]).toBeTruthy();
    expect(TARGETS.map((t) => t.to).sort()).toEqual([...KEY_TARGET_FORMATS].sort());
  });
  it('describes type, size and encryption cost', () => {
    expect(typeText({ type: 'ssh-rsa', bits: 3072, curve: null })).toBe('ssh-rsa (3072 bits)');
    expect(typeText({ type: null, bits: null, curve: null })).toBe('unknown');
    expect(encryptionText(false, null)).toBe('Not protected by a passphrase');
    expect(encryptionText(true, { cipher: 'aes256-cbc', kdf: 'argon2id', memoryKiB: 8192, passes: 21, parallelism: 1 })).toBe(
      'Protected by a passphrase: aes256-cbc, key derived with argon2id (8 MiB memory, 21 passes, parallelism 1)',
    );
    expect(encryptionText(true, { cipher: 'aes256-ctr', kdf: 'bcrypt', rounds: 16 })).toContain('bcrypt (16 rounds)');
  });
  it('says where the private half of a .pub file probably is', () => {
    expect(privateKeyHint('id_ed25519.pub')).toBe('id_ed25519');
    expect(privateKeyHint('C:\\Users\\a\\.ssh\\id_rsa.PUB')).toBe('id_rsa');
    expect(privateKeyHint('key.ppk')).toBeNull();
  });
});
