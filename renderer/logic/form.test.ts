import { describe, expect, it } from 'vitest';
import {
  capsLockFrom,
  emptyForm,
  fromSiteSettings,
  looksLikeKeyText,
  looksLikeText,
  passwordNotes,
  portOnBlur,
  portProblem,
  sameTarget,
  timeoutProblem,
  toConnectionRequest,
  toSiteSettings,
  userNotes,
  withPort,
  withProtocol,
} from './form';

describe('port follows the protocol until edited', () => {
  it('starts at 22 for SFTP and stays on the default when switching to SCP', () => {
    const v = emptyForm();
    expect(v.port).toBe('22');
    expect(withProtocol(v, 'scp').port).toBe('22');
  });

  it('keeps a port the user typed when the protocol changes', () => {
    const edited = withPort(emptyForm(), '2222');
    expect(edited.portEdited).toBe(true);
    expect(withProtocol(edited, 'scp').port).toBe('2222');
  });

  it('follows the default again once the user clears the field or types the default', () => {
    const cleared = withPort(withPort(emptyForm(), '2222'), '');
    expect(cleared.portEdited).toBe(false);
    expect(portOnBlur(cleared).port).toBe('22');
    expect(withPort(withPort(emptyForm(), '2222'), '22').portEdited).toBe(false);
  });

  it('explains a port that cannot be one', () => {
    expect(portProblem('22')).toBeNull();
    expect(portProblem('')).toBeNull();
    expect(portProblem('abc')).toMatch(/number/);
    expect(portProblem('0')).toMatch(/between 1 and 65535/);
    expect(portProblem('70000')).toMatch(/between 1 and 65535/);
  });
});

describe('password and user name notes', () => {
  it('warns about Caps Lock only when it is on', () => {
    expect(passwordNotes('x', true).map((n) => n.id)).toEqual(['caps']);
    expect(passwordNotes('x', false)).toEqual([]);
    expect(passwordNotes('x', null)).toEqual([]);
  });

  it('notes leading or trailing spaces without repeating the password', () => {
    const notes = passwordNotes(' hunter2', false);
    expect(notes.map((n) => n.id)).toEqual(['spaces']);
    expect(notes[0]!.text).not.toContain('hunter2');
    expect(passwordNotes('hunter2 ', false)).toHaveLength(1);
    expect(passwordNotes('pass word', false)).toEqual([]);
  });

  it('notes spaces around a user name', () => {
    expect(userNotes('alice ')).toHaveLength(1);
    expect(userNotes('alice')).toEqual([]);
  });

  it('reads Caps Lock from the keyboard event, or admits it cannot', () => {
    expect(capsLockFrom({ getModifierState: (k) => k === 'CapsLock' })).toBe(true);
    expect(capsLockFrom({ getModifierState: () => false })).toBe(false);
    expect(capsLockFrom({})).toBeNull();
  });
});

describe('form to request and site', () => {
  it('sends host, user and password exactly as typed, and a numeric port', () => {
    const v = { ...withPort(emptyForm(), '2222'), host: ' h.example ', user: 'bob', password: ' pw ' };
    const r = toConnectionRequest(v);
    expect(r).toMatchObject({ protocol: 'sftp', host: ' h.example ', port: 2222, user: 'bob', password: ' pw ', useAgent: true });
    expect(r.privateKey).toBeUndefined();
  });

  it('passes a port that is not a number through so the engine can explain it', () => {
    expect(toConnectionRequest({ ...emptyForm(), port: '22a' }).port).toBe('22a');
  });

  it('sends a loaded key as text, and a typed path as a path', () => {
    const loaded = { ...emptyForm(), key: { source: 'content' as const, name: 'id_ed25519', size: 10, text: 'KEY' } };
    expect(toConnectionRequest(loaded).privateKey).toEqual({ text: 'KEY' });
    const byPath = { ...emptyForm(), key: { source: 'path' as const, path: ' /home/a/.ssh/id_rsa ' } };
    expect(toConnectionRequest(byPath).privateKey).toEqual({ path: '/home/a/.ssh/id_rsa' });
  });

  it('never puts a password or loaded key content into saved site settings', () => {
    const v = { ...emptyForm(), host: 'h', user: 'u', password: 'secret', key: { source: 'content' as const, name: 'k', size: 3, text: 'KEY' } };
    const s = toSiteSettings(v);
    expect(JSON.stringify(s)).not.toContain('secret');
    expect(JSON.stringify(s)).not.toContain('KEY');
  });

  it('round-trips a site through the form', () => {
    const settings = { protocol: 'scp' as const, host: 'nas', port: 2200, user: 'admin', useAgent: false, legacyAlgorithms: ['ssh-dss'], keepaliveSeconds: 30, timeoutMs: 25_000 };
    const v = fromSiteSettings(settings);
    expect(v.portEdited).toBe(true);
    expect(toSiteSettings(v)).toEqual(settings);
    expect(sameTarget(v, settings)).toBe(true);
    expect(sameTarget({ ...v, host: 'other' }, settings)).toBe(false);
  });

  it('clamps keepalive into what the service accepts and ignores non-numbers', () => {
    expect(toConnectionRequest({ ...emptyForm(), keepaliveSeconds: '99999' }).keepaliveSeconds).toBe(3600);
    expect(toConnectionRequest({ ...emptyForm(), keepaliveSeconds: 'often' }).keepaliveSeconds).toBeUndefined();
  });

  it('takes the connection timeout in seconds (1 to 120) and says what is wrong otherwise', () => {
    expect(toConnectionRequest({ ...emptyForm(), timeoutSeconds: '30' }).timeoutMs).toBe(30_000);
    expect(toConnectionRequest({ ...emptyForm(), timeoutSeconds: '2.5' }).timeoutMs).toBe(2500);
    expect(toConnectionRequest({ ...emptyForm(), timeoutSeconds: '' }).timeoutMs).toBeUndefined();
    expect(toConnectionRequest({ ...emptyForm(), timeoutSeconds: '500' }).timeoutMs).toBeUndefined();
    expect(timeoutProblem('500')).toContain('1 to 120');
    expect(timeoutProblem('ten')).toContain('1 to 120');
    expect(timeoutProblem(' 15 ')).toBeNull();
  });
});

describe('key content detection', () => {
  it('tells text key files from binary ones', () => {
    expect(looksLikeText(new TextEncoder().encode('-----BEGIN OPENSSH PRIVATE KEY-----\r\nabc\n'))).toBe(true);
    expect(looksLikeText(new Uint8Array([0x53, 0x53, 0x48, 0x00, 0x01]))).toBe(false);
  });
  it('recognises pasted key text', () => {
    expect(looksLikeKeyText('-----BEGIN RSA PRIVATE KEY-----\nMII')).toBe(true);
    expect(looksLikeKeyText('PuTTY-User-Key-File-3: ssh-ed25519')).toBe(true);
    expect(looksLikeKeyText('ssh-ed25519 AAAAC3Nza user@host')).toBe(true);
    expect(looksLikeKeyText('/home/alice/.ssh/id_rsa')).toBe(false);
  });
});
