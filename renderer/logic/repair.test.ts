import { describe, expect, it } from 'vitest';
import type { Fix } from '../../shared/types';
import { emptyForm } from './form';
import { canApplyInWindow, cliTarget, missingInput, repairCommand, settingsToForm } from './repair';

const fix = (over: Partial<Fix>): Fix => ({ id: 'allow-legacy', label: 'x', description: '', risk: 'confirm', kind: 'local', ...over });

describe('repair from the CLI', () => {
  it('builds the target like the CLI takes it', () => {
    expect(cliTarget({ host: 'h.example', port: 22, user: 'bob' })).toBe('bob@h.example');
    expect(cliTarget({ host: 'h.example', port: 2222, user: '' })).toBe('h.example:2222');
    expect(cliTarget({ host: '2001:db8::1', port: 2200, user: 'u' })).toBe('u@[2001:db8::1]:2200');
  });

  it('names the fix, the host key to trust, and quotes what a shell would split', () => {
    expect(repairCommand(fix({}), { host: 'h', port: 22, user: 'bob' })).toBe('sftp-doctor repair --fix allow-legacy bob@h');
    expect(repairCommand(fix({ id: 'trust-host-key', params: { fingerprint: 'SHA256:abc/def+g' } }), { host: 'h', port: 2222, user: "o'neil" })).toBe(
      `sftp-doctor repair --fix trust-host-key --trust-host-key SHA256:abc/def+g 'o'\\''neil@h:2222'`,
    );
  });

  it('applies only the field fixes in the window; the rest go to the repair service', () => {
    expect(canApplyInWindow(fix({ id: 'use-port', kind: 'form' }))).toBe(true);
    expect(canApplyInWindow(fix({ id: 'connect-once', kind: 'form' }))).toBe(false);
    expect(canApplyInWindow(fix({ id: 'allow-legacy-algorithms', kind: 'form' }))).toBe(false);
    expect(canApplyInWindow(fix({ id: 'install-public-key', kind: 'server' }))).toBe(false);
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
