import { describe, expect, it } from 'vitest';
import type { Fix } from '../../shared/types';
import { canApplyInWindow, cliTarget, repairCommand } from './repair';

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

  it('applies only form fixes in the window', () => {
    expect(canApplyInWindow(fix({ kind: 'form' }))).toBe(true);
    expect(canApplyInWindow(fix({ kind: 'server' }))).toBe(false);
  });
});
