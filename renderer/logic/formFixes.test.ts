import { describe, expect, it } from 'vitest';
import { makeFix } from '../../shared/fixes';
import { emptyForm, fromSiteSettings, toConnectionRequest, toSiteSettings, usesAuthMethod, withAuthMethod } from './form';
import { applyFormFix } from './formFixes';

describe('form fixes in the window (shared applyFormFix on the form)', () => {
  it('split-host-field: every part of the pasted address goes into its own field', () => {
    const v = { ...emptyForm(), host: 'sftp://bob@h.example:2222/in' };
    const out = applyFormFix(v, makeFix('split-host-field', { host: 'h.example', user: 'bob', port: 2222, path: '/in' }));
    expect(out).toMatchObject({ ok: true, values: { host: 'h.example', user: 'bob', port: '2222', portEdited: true, startPath: '/in' } });
  });

  it('trim-whitespace: trims the named fields and never prints the password', () => {
    const v = { ...emptyForm(), host: 'h', user: ' bob ', password: ' pw ' };
    const out = applyFormFix(v, makeFix('trim-whitespace', { fields: ['user', 'password'] }));
    expect(out.ok).toBe(true);
    if (!out.ok) return;
    expect(out.values).toMatchObject({ user: 'bob', password: 'pw' });
    expect(out.changes.join(' ')).not.toContain('pw');
    const onlyUser = applyFormFix(v, makeFix('trim-whitespace', { fields: ['user'] }));
    expect(onlyUser).toMatchObject({ ok: true, values: { user: 'bob', password: ' pw ' } });
  });

  it('fix-pasted-password, use-user and use-sftp: the same corrections as main/repair, the password never printed', () => {
    const v = { ...emptyForm(), host: 'h', user: 'root', password: 'It\u2019s\u00a0\u201czq\u201d', protocol: 'scp' as const };
    const pw = applyFormFix(v, makeFix('fix-pasted-password', { idea: 'pasted-characters', what: 'plain characters' }));
    expect(pw).toMatchObject({ ok: true, values: { password: 'It\'s "zq"' } });
    expect(pw.ok && pw.changes.join(' ')).not.toMatch(/zq/);
    expect(applyFormFix({ ...v, password: 'pASSWORD1' }, makeFix('fix-pasted-password', { idea: 'caps-lock', what: 'Caps Lock undone' }))).toMatchObject({ ok: true, values: { password: 'Password1' } });
    expect(applyFormFix(v, makeFix('use-user', { user: 'ubuntu' }))).toMatchObject({ ok: true, values: { user: 'ubuntu' } });
    expect(applyFormFix(v, makeFix('use-sftp'))).toMatchObject({ ok: true, values: { protocol: 'sftp' } });
  });

  it('use-rsa-signature: the site signs with the algorithm the server took, kept when saved and sent with the next check', () => {
    const v = { ...emptyForm(), host: 'h', user: 'ann' };
    const out = applyFormFix(v, makeFix('use-rsa-signature', { algorithm: 'rsa-sha2-512' }));
    expect(out).toMatchObject({ ok: true, values: { rsaSignature: 'rsa-sha2-512' }, changes: ['RSA key signature: automatic → rsa-sha2-512'] });
    if (!out.ok) return;
    expect(toSiteSettings(out.values).rsaSignature).toBe('rsa-sha2-512');
    expect(toConnectionRequest(out.values).rsaSignature).toBe('rsa-sha2-512');
    expect(fromSiteSettings(toSiteSettings(out.values)).rsaSignature).toBe('rsa-sha2-512');
    // Automatic (the default) is stored and sent as nothing.
    expect(toSiteSettings(emptyForm()).rsaSignature).toBeUndefined();
    expect(toConnectionRequest(emptyForm()).rsaSignature).toBeUndefined();
  });

  it('use-auth-methods: the site gets the login method that worked, kept when the site is saved and sent with the next check', () => {
    const v = { ...emptyForm(), host: 'h', user: 'ann', authMethods: ['password' as const] };
    const out = applyFormFix(v, makeFix('use-auth-methods', { methods: ['keyboard-interactive', 'password'], added: 'keyboard-interactive' }));
    expect(out).toMatchObject({ ok: true, values: { authMethods: ['keyboard-interactive', 'password'] }, changes: ['Login methods: password → keyboard-interactive, password'] });
    if (!out.ok) return;
    expect(toSiteSettings(out.values).authMethods).toEqual(['keyboard-interactive', 'password']);
    expect(toConnectionRequest(out.values).authMethods).toEqual(['keyboard-interactive', 'password']);
    expect(fromSiteSettings(toSiteSettings(out.values)).authMethods).toEqual(['keyboard-interactive', 'password']);
    // A site without the setting uses every method, and sends none.
    expect(toConnectionRequest(emptyForm()).authMethods).toBeUndefined();
    // The Advanced panel's boxes: unticking one keeps the others; ticking all again is the default.
    const noKbd = withAuthMethod(emptyForm(), 'keyboard-interactive', false);
    expect(noKbd.authMethods).toEqual(['publickey', 'password']);
    expect(usesAuthMethod(noKbd, 'keyboard-interactive')).toBe(false);
    expect(withAuthMethod(noKbd, 'keyboard-interactive', true).authMethods).toEqual([]);
  });

  it('use-port and use-dns-suggestion change exactly that field', () => {
    const v = { ...emptyForm(), host: 'fiels.example.com' };
    expect(applyFormFix(v, makeFix('use-port', { port: 2222 }))).toMatchObject({ ok: true, values: { port: '2222', host: 'fiels.example.com' } });
    expect(applyFormFix(v, makeFix('use-dns-suggestion', { host: 'files.example.com' }))).toMatchObject({ ok: true, values: { host: 'files.example.com' } });
  });

  it('choose-private-key puts the private key found beside the .pub in the key field', () => {
    const v = { ...emptyForm(), host: 'h', key: { source: 'path' as const, path: '/home/a/.ssh/id_ed25519.pub' } };
    expect(applyFormFix(v, makeFix('choose-private-key', { path: '/home/a/.ssh/id_ed25519' }))).toMatchObject({ ok: true, values: { key: { source: 'path', path: '/home/a/.ssh/id_ed25519' } } });
  });

  it('allow-legacy-algorithms adds only the missing names; use-scp and identities-only set their fields', () => {
    const v = { ...emptyForm(), host: 'h', legacyAlgorithms: ['ssh-dss'] };
    const out = applyFormFix(v, makeFix('allow-legacy-algorithms', { algorithms: ['diffie-hellman-group14-sha1', 'ssh-dss'], categories: ['kex', 'serverHostKey'], risks: ['', ''] }));
    expect(out).toMatchObject({ ok: true, values: { legacyAlgorithms: ['ssh-dss', 'diffie-hellman-group14-sha1'] } });
    expect(applyFormFix(v, makeFix('use-scp'))).toMatchObject({ ok: true, values: { protocol: 'scp' } });
    expect(applyFormFix(v, makeFix('identities-only'))).toMatchObject({ ok: true, values: { identitiesOnly: true, useAgent: false } });
  });

  it('says so when a fix would change nothing, and refuses fixes that are not form fixes', () => {
    expect(applyFormFix({ ...emptyForm(), port: '22' }, makeFix('use-port', { port: 22 }))).toMatchObject({ ok: false });
    expect(applyFormFix(emptyForm(), makeFix('generate-ed25519-key'))).toMatchObject({ ok: false });
  });
});
