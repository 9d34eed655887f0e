import { EventEmitter } from 'node:events';
import type { ClientChannel } from 'ssh2';
import { describe, expect, it } from 'vitest';
import type { Facts } from '../../shared/types';
import { diagnoseFacts } from './rules/index';
import { lengthAsText, printable, SftpWire } from './sftp-wire';

/** A stand-in for ssh2's channel: what the server sends is pushed in by the test. */
function fakeChannel(): ClientChannel & { written: Buffer[] } {
  const ch = new EventEmitter() as EventEmitter & { stderr: EventEmitter; written: Buffer[]; write(b: Buffer): boolean; end(): void };
  ch.stderr = new EventEmitter();
  ch.written = [];
  ch.write = (b: Buffer) => (ch.written.push(b), true);
  ch.end = () => undefined;
  return ch as unknown as ClientChannel & { written: Buffer[] };
}

const VERSION = Buffer.from([0, 0, 0, 5, 2, 0, 0, 0, 3]);

describe('the SFTP wire: text before the protocol', () => {
  it('keeps a login script\'s text, then finds the real VERSION packet behind it, fed byte by byte', () => {
    const ch = fakeChannel();
    const wire = new SftpWire(ch);
    wire.init();
    expect(ch.written[0]).toEqual(Buffer.from([0, 0, 0, 5, 1, 0, 0, 0, 3]));
    for (const b of Buffer.concat([Buffer.from('Hello from .bashrc\n'), VERSION])) ch.emit('data', Buffer.from([b]));
    expect(wire.version).toBe(3);
    expect(wire.leading.toString()).toBe('Hello from .bashrc\n');
    expect(wire.bogusLength).toBe(1214606444);
    expect(lengthAsText(1214606444)).toBe('Hell');
  });

  it('a clean server leaves no text; an endless stream of text stays bounded', () => {
    const clean = fakeChannel();
    const w1 = new SftpWire(clean);
    clean.emit('data', VERSION);
    expect(w1.version).toBe(3);
    expect(w1.leading.length).toBe(0);
    expect(w1.bogusLength).toBeNull();
    const noisy = fakeChannel();
    const w2 = new SftpWire(noisy);
    for (let i = 0; i < 400; i++) noisy.emit('data', Buffer.alloc(1024, 0x61));
    expect(w2.version).toBeNull();
    expect(w2.leading.length).toBeLessThanOrEqual(16 * 1024);
    expect(w2.protocolError).toBe('text instead of SFTP');
  });

  it('records the exit status and the error output, and shows control bytes readably', () => {
    const ch = fakeChannel();
    const wire = new SftpWire(ch);
    ch.stderr.emit('data', Buffer.from('Password change required but no TTY available\n'));
    ch.emit('exit', 1);
    ch.emit('close');
    expect(wire).toMatchObject({ exitCode: 1, closed: true, stderr: 'Password change required but no TTY available\n' });
    expect(printable(Buffer.from('a\x1b[31mred\r\nb'))).toBe('a\\x1b[31mred\nb');
  });

  it('keeps an exit status that ssh2 received before the wire listened (it emits it once, then only stores it)', () => {
    // What ssh2 does with a status that comes in the same read as the subsystem's reply.
    const ch = Object.assign(fakeChannel(), { _exit: { code: 127 } });
    ch.emit('exit', 127);
    const wire = new SftpWire(ch);
    ch.emit('close');
    expect(wire).toMatchObject({ exitCode: 127, closed: true });
    const killed = Object.assign(fakeChannel(), { _exit: { code: null, signal: 'SIGKILL' } });
    expect(new SftpWire(killed)).toMatchObject({ exitCode: null, exitSignal: 'SIGKILL' });
  });
});

describe('rules of the login and the session', () => {
  const input: NonNullable<Facts['input']> = { host: 'h.example', port: 22, user: 'ann', warnings: [] };
  const none = { method: 'none', result: 'failure' as const, methodsLeft: ['publickey', 'password'] };

  it('a key ssh2 could not offer (no signature algorithm in common) is AUTH_KEY_ALGORITHM_REJECTED', () => {
    const auth: Facts['auth'] = { methods: ['publickey'], attempts: [none, { method: 'publickey', source: 'given', keyType: 'ssh-rsa', result: 'error', note: 'not sent: no signature algorithm in common with the server' }] };
    expect(diagnoseFacts({ input, auth }, { stoppedAt: 'auth', lastPhase: 'auth' }).code).toBe('AUTH_KEY_ALGORITHM_REJECTED');
    const sha1Only: Facts['auth'] = { methods: ['publickey'], sigAlgs: ['ssh-ed25519'], attempts: [none, { method: 'publickey', source: 'given', keyType: 'ssh-rsa', result: 'failure' }] };
    expect(diagnoseFacts({ input, auth: sha1Only }, { stoppedAt: 'auth', lastPhase: 'auth' }).code).toBe('AUTH_KEY_ALGORITHM_REJECTED');
  });

  it('orders the causes of a closed session by the evidence', () => {
    const cause1 = (sftp: Facts['sftp']) => diagnoseFacts({ input, sftp }, { stoppedAt: 'sftp', lastPhase: 'sftp' }).evidence.find((e) => e.label === 'Likely cause 1')?.value ?? '';
    expect(cause1({ stage: 'init', error: 'the connection ended: read ECONNRESET' })).toMatch(/ChrootDirectory/);
    expect(cause1({ stage: 'init', exitCode: 1 })).toMatch(/\/bin\/false/);
    expect(cause1({ stage: 'init', exitCode: 127, stderr: 'sh: 1: /usr/lib/sftp: not found' })).toMatch(/does not exist at that path/);
  });

  it('an expired password reported by the session is AUTH_PASSWORD_EXPIRED, not a closed session', () => {
    const d = diagnoseFacts({ input, sftp: { stage: 'init', exitCode: 1, stderr: 'Password change required but no TTY available' } }, { stoppedAt: 'sftp', lastPhase: 'sftp' });
    expect(d.code).toBe('AUTH_PASSWORD_EXPIRED');
    expect(d.fixes[0]?.id).toBe('change-expired-password');
  });

  it('a one-time code nobody could answer is AUTH_PARTIAL, naming the question', () => {
    const auth: Facts['auth'] = { methods: ['keyboard-interactive'], unanswered: ['Verification code:'], attempts: [none, { method: 'keyboard-interactive', result: 'failure' }] };
    const d = diagnoseFacts({ input, auth }, { stoppedAt: 'auth', lastPhase: 'auth' });
    expect(d.code).toBe('AUTH_PARTIAL');
    expect(d.evidence[0]).toMatchObject({ label: 'The server asked', value: 'Verification code:' });
  });
});
