import { describe, expect, it } from 'vitest';
import type { Fix } from '../../shared/types';
import { emptyForm } from './form';
import { applyFormFix, legacyAlgorithmsOf, withLegacyAlgorithms } from './formFixes';

const fix = (id: string, params?: Fix['params']): Fix => ({ id, label: id, description: '', risk: 'safe', kind: 'form', ...(params ? { params } : {}) });

describe('form fixes', () => {
  it('split-host-field: uses the engine params, or splits the host field itself', () => {
    const v = { ...emptyForm(), host: 'sftp://bob@h.example:2222/in' };
    const withParams = applyFormFix(v, fix('split-host-field', { host: 'h.example', user: 'bob', port: 2222 }));
    expect(withParams).toMatchObject({ ok: true, values: { host: 'h.example', user: 'bob', port: '2222', portEdited: true } });
    const own = applyFormFix(v, fix('split-host-field'));
    expect(own).toMatchObject({ ok: true, values: { host: 'h.example', user: 'bob', port: '2222', startPath: '/in' } });
  });

  it('trim-whitespace: trims the named fields and never prints the password', () => {
    const v = { ...emptyForm(), host: 'h', user: ' bob ', password: ' pw ' };
    const out = applyFormFix(v, fix('trim-whitespace'));
    expect(out.ok).toBe(true);
    if (!out.ok) return;
    expect(out.values).toMatchObject({ user: 'bob', password: 'pw' });
    expect(out.changes.join(' ')).not.toContain('pw');
    const onlyUser = applyFormFix(v, fix('trim-whitespace', { fields: ['user'] }));
    expect(onlyUser).toMatchObject({ ok: true, values: { user: 'bob', password: ' pw ' } });
  });

  it('fix-pasted-password, use-user and use-sftp: the same corrections as main/repair, the password never printed', () => {
    const v = { ...emptyForm(), host: 'h', user: 'root', password: 'It\u2019s\u00a0\u201czq\u201d', protocol: 'scp' as const };
    const pw = applyFormFix(v, fix('fix-pasted-password', { idea: 'pasted-characters' }));
    expect(pw).toMatchObject({ ok: true, values: { password: 'It\'s "zq"' } });
    expect(pw.ok && pw.changes.join(' ')).not.toMatch(/zq/);
    expect(applyFormFix({ ...v, password: 'pASSWORD1' }, fix('fix-pasted-password', { idea: 'caps-lock' }))).toMatchObject({ ok: true, values: { password: 'Password1' } });
    expect(applyFormFix(v, fix('use-user', { user: 'ubuntu' }))).toMatchObject({ ok: true, values: { user: 'ubuntu' } });
    expect(applyFormFix(v, fix('use-sftp'))).toMatchObject({ ok: true, values: { protocol: 'sftp' } });
  });

  it('use-port and use-dns-suggestion change exactly that field', () => {
    const v = { ...emptyForm(), host: 'fiels.example.com' };
    expect(applyFormFix(v, fix('use-port', { port: 2222 }))).toMatchObject({ ok: true, values: { port: '2222', host: 'fiels.example.com' } });
    expect(applyFormFix(v, fix('use-dns-suggestion', { host: 'files.example.com' }))).toMatchObject({ ok: true, values: { host: 'files.example.com' } });
  });

  it('switch-protocol: moves to SCP; refuses a protocol we do not speak with a next step', () => {
    expect(applyFormFix(emptyForm(), fix('switch-protocol', { protocol: 'scp' }))).toMatchObject({ ok: true, values: { protocol: 'scp' } });
    const ftp = applyFormFix(emptyForm(), fix('switch-protocol', { protocol: 'ftp' }));
    expect(ftp).toMatchObject({ ok: false });
    if (!ftp.ok) expect(ftp.message).toMatch(/FTP.*WinSCP or FileZilla/);
  });

  it('says so when a fix would change nothing, and refuses non-form fixes', () => {
    expect(applyFormFix({ ...emptyForm(), port: '22' }, fix('use-port', { port: 22 }))).toMatchObject({ ok: false });
    expect(applyFormFix(emptyForm(), { ...fix('trust-host-key'), kind: 'local' })).toMatchObject({ ok: false });
  });
});

describe('legacy algorithm fixes in the form', () => {
  it('reads the algorithms a fix enables and adds only the missing ones', () => {
    const f = { ...fix('allow-legacy', { algorithms: ['diffie-hellman-group1-sha1', 'ssh-dss'] }), kind: 'local' as const };
    expect(legacyAlgorithmsOf(f)).toEqual(['diffie-hellman-group1-sha1', 'ssh-dss']);
    expect(legacyAlgorithmsOf(fix('use-port', { port: 2 }))).toBeNull();
    const out = withLegacyAlgorithms({ ...emptyForm(), legacyAlgorithms: ['ssh-dss'] }, ['diffie-hellman-group1-sha1', 'ssh-dss']);
    expect(out).toMatchObject({ ok: true, values: { legacyAlgorithms: ['ssh-dss', 'diffie-hellman-group1-sha1'] } });
    expect(withLegacyAlgorithms({ ...emptyForm(), legacyAlgorithms: ['ssh-dss'] }, ['ssh-dss']).ok).toBe(false);
  });
});
