import { describe, expect, it } from 'vitest';
import { makeFix } from '../../shared/fixes';
import { emptyForm } from './form';
import { canApplyInWindow, cliTarget, missingInput, repairCommand, settingsToForm } from './repair';

const legacy = makeFix('allow-legacy-algorithms', { algorithms: ['ssh-dss'], categories: ['serverHostKey'], risks: ['DSA'] });
const hostKey = { host: 'h', port: 22, type: 'ssh-ed25519', sha256: 'SHA256:abc/def+g', md5: 'MD5:00', publicKey: 'ssh-ed25519 AAAA', file: '/kh' };

describe('repair from the CLI', () => {
  it('builds the target like the CLI takes it', () => {
    expect(cliTarget({ host: 'h.example', port: 22, user: 'bob' })).toBe('bob@h.example');
    expect(cliTarget({ host: 'h.example', port: 2222, user: '' })).toBe('h.example:2222');
    expect(cliTarget({ host: '2001:db8::1', port: 2200, user: 'u' })).toBe('u@[2001:db8::1]:2200');
  });

  it('names the fix, the host key to trust, and quotes what a shell would split', () => {
    expect(repairCommand(legacy, { host: 'h', port: 22, user: 'bob' })).toBe('sftp-doctor repair --fix allow-legacy-algorithms bob@h');
    expect(repairCommand(makeFix('trust-host-key', hostKey), { host: 'h', port: 2222, user: "o'neil" })).toBe(
      `sftp-doctor repair --fix trust-host-key --trust-host-key SHA256:abc/def+g 'o'\\''neil@h:2222'`,
    );
  });

  it('applies the safe form fixes in the window at once; the rest show their changes first (repair service)', () => {
    expect(canApplyInWindow(makeFix('use-port', { port: 2222 }))).toBe(true);
    expect(canApplyInWindow(makeFix('choose-private-key', { path: '/k' }))).toBe(true);
    expect(canApplyInWindow(makeFix('connect-once', { sha256: 'SHA256:x' }))).toBe(false);
    expect(canApplyInWindow(legacy)).toBe(false);
    expect(canApplyInWindow(makeFix('install-public-key', { publicKey: 'ssh-ed25519 AAAA', fingerprint: 'SHA256:y' }))).toBe(false);
  });

  it('says what is still missing before a fix can be applied', () => {
    const none = { fingerprint: '', password: '', newPassword: '', newPasswordAgain: '' };
    expect(missingInput({ needs: ['confirmation'] }, none)).toBeNull();
    expect(missingInput({ needs: ['confirmation', 'fingerprint'] }, none)).toMatch(/fingerprint/);
    expect(missingInput({ needs: ['new-password'] }, { ...none, newPassword: 'a', newPasswordAgain: 'b' })).toMatch(/differ/);
    expect(missingInput({ needs: ['new-password', 'password'] }, { ...none, password: 'x', newPassword: 'a', newPasswordAgain: 'a' })).toBeNull();
  });

  it('puts a repair\'s settings into the form, leaving the other fields', () => {
    const values = emptyForm();
    const next = settingsToForm({ port: 2222, legacyAlgorithms: ['3des-cbc'], identitiesOnly: true, useAgent: false, privateKey: { path: '/k/id_ed25519' } }, { ...values, host: 'h', password: 'pw' });
    expect(next).toMatchObject({ host: 'h', password: 'pw', port: '2222', portEdited: true, legacyAlgorithms: ['3des-cbc'], identitiesOnly: true, useAgent: false, key: { source: 'path', path: '/k/id_ed25519' } });
  });
});
