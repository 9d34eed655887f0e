import { describe, expect, it } from 'vitest';
import { DIAGNOSIS_CODES } from '../../shared/codes';
import type { Facts } from '../../shared/types';
import { FIX_IDS, makeFix } from '../../shared/fixes';
import { nameVariants } from './phases/dns';
import { checkInput } from './phases/input';
import { diagnoseFacts } from './rules/index';
import { FIX_TEXTS, TEXTS, fillTemplate } from '../../shared/texts/index';
import { MAX_RECORD, WireRecorder, parseKexinit } from './wire';

/** What the path rules always fill in (rules/path.ts): the proxy, the jump host and its own diagnosis, the reasons. */
const PATH_VARS = { proxy: 'socks5://p:1080', how: 'it refused', why: 'not allowed', jump: 'j:22', jumpTitle: 't', jumpExplanation: 'e.', jumpNextStep: 'n.', via: 'j:22' };

describe('texts', () => {
  it('every code has a title, an explanation and a next step, and no placeholder survives filling', () => {
    for (const code of DIAGNOSIS_CODES) {
      const t = TEXTS[code];
      for (const s of [t.title, t.explanation, t.nextStep]) {
        expect(s.trim().length).toBeGreaterThan(5);
        expect(fillTemplate(s, { host: 'h', port: 22, category: 'the key exchange', ...PATH_VARS, loginAs: 'ubuntu', home: '/home/u', folder: '/upload', problem: 'the file vanished', survived: '4.0 s idle', method: 'keyboard-interactive', siteMethods: 'password', algorithm: 'rsa-sha2-512', refused: 'rsa-sha2-256' })).not.toMatch(/\{[a-zA-Z]+\}/);
      }
      expect(t.nextStep).toMatch(/[.!]$/);
    }
  });

  it('every fix id has texts, and building a fix fills its parameters', () => {
    for (const id of FIX_IDS) expect(FIX_TEXTS[id].label.length).toBeGreaterThan(3);
    const fix = makeFix('allow-legacy-algorithms', { algorithms: ['diffie-hellman-group1-sha1', 'ssh-dss'], categories: ['kex', 'serverHostKey'], risks: ['Logjam', 'DSA'] });
    expect(fix.description).toContain('diffie-hellman-group1-sha1, ssh-dss');
    expect(fix).toMatchObject({ risk: 'confirm', kind: 'form', params: { categories: ['kex', 'serverHostKey'] } });
  });
});

describe('rules', () => {
  const input: NonNullable<Facts['input']> = { host: 'h.example', port: 22, user: 'ann', warnings: [], whitespace: ['password'] };

  it('INPUT_WHITESPACE when the login failed and a field had spaces around it (auth facts come from engine part 2)', () => {
    const d = diagnoseFacts({ input, auth: { methods: ['password'], attempts: [{ method: 'password', result: 'failure' }] } }, { stoppedAt: 'auth', lastPhase: 'auth' });
    expect(d.code).toBe('INPUT_WHITESPACE');
    expect(d.fixes[0]).toMatchObject({ id: 'trim-whitespace', params: { fields: ['password'] } });
  });

  it('OK_TRANSPORT when every phase of part 1 passed, CANCELLED and INTERNAL_ERROR when told so', () => {
    expect(diagnoseFacts({ input }, { stoppedAt: null, lastPhase: 'hostkey' }).code).toBe('OK_TRANSPORT');
    expect(diagnoseFacts({ input }, { stoppedAt: null, lastPhase: 'sftp' }).code).toBe('OK');
    expect(diagnoseFacts({ input }, { stoppedAt: 'tcp', lastPhase: 'tcp', cancelled: true }).code).toBe('CANCELLED');
    expect(diagnoseFacts({ input }, { stoppedAt: 'tcp', lastPhase: 'tcp', internalError: 'boom' }).code).toBe('INTERNAL_ERROR');
  });
});

describe('the host field', () => {
  it('only a clean host passes; spaces and pasted parts are flagged, port 21 is a warning', () => {
    expect(checkInput({ protocol: 'sftp', host: 'example.com', user: 'a' }).problem).toBeUndefined();
    expect(checkInput({ protocol: 'sftp', host: '2001:db8::1', user: 'a' }).problem).toBeUndefined();
    expect(checkInput({ protocol: 'sftp', host: ' example.com', user: 'a' }).problem).toBe('host-field');
    expect(checkInput({ protocol: 'sftp', host: 'example.com:abc', user: 'a' })).toMatchObject({ problem: 'host-field', portText: 'abc' });
    const w = checkInput({ protocol: 'sftp', host: 'example.com', port: 21, user: ' a', password: 'pw ' });
    expect(w.problem).toBeUndefined();
    expect(w.otherProtocolPort).toBe(21);
    expect(w.whitespace).toEqual(['user', 'password']);
    expect(JSON.stringify(w)).not.toContain('pw ');
  });

  it('suggests likely typos of a name', () => {
    expect(nameVariants('www.example.com')).toEqual(expect.arrayContaining(['example.com', 'sftp.example.com']));
    expect(nameVariants('my_server.example.com')).toContain('my-server.example.com');
    expect(nameVariants('sftp:/example.com')).toContain('example.com');
    expect(nameVariants('example.com.')).toContain('example.com');
  });
});

function packet(payload: Buffer): Buffer {
  const padding = 8 - ((payload.length + 5) % 8) + 4;
  const len = payload.length + padding + 1;
  const head = Buffer.alloc(5);
  head.writeUInt32BE(len, 0);
  head[4] = padding;
  return Buffer.concat([head, payload, Buffer.alloc(padding)]);
}

function kexinitPayload(lists: string[]): Buffer {
  const parts: Buffer[] = [Buffer.from([20]), Buffer.alloc(16, 7)];
  for (const l of lists) {
    const b = Buffer.from(l);
    const n = Buffer.alloc(4);
    n.writeUInt32BE(b.length, 0);
    parts.push(n, b);
  }
  parts.push(Buffer.from([0, 0, 0, 0, 0]));
  return Buffer.concat(parts);
}

describe('the wire recorder', () => {
  it('keeps lines before the identification and reads the KEXINIT that follows, fed byte by byte', () => {
    const lists = ['curve25519-sha256,ext-info-s', 'ssh-ed25519', 'aes128-ctr', 'aes256-ctr', 'hmac-sha2-256', 'hmac-sha2-512', 'none', 'none,zlib', '', ''];
    const bytes = Buffer.concat([Buffer.from('Welcome!\r\nAuthorized use only\r\nSSH-2.0-OpenSSH_9.2p1 Debian-2\r\n'), packet(kexinitPayload(lists))]);
    const rec = new WireRecorder();
    for (const b of bytes) rec.feed(Buffer.from([b]));
    expect(rec.verdict).toEqual({ kind: 'ssh2', ident: 'SSH-2.0-OpenSSH_9.2p1 Debian-2', software: 'OpenSSH_9.2p1 Debian-2' });
    expect(rec.preBanner).toEqual(['Welcome!', 'Authorized use only']);
    expect(rec.kexinit?.algorithms).toEqual({ kex: ['curve25519-sha256', 'ext-info-s'], serverHostKey: ['ssh-ed25519'], cipher: ['aes128-ctr'], mac: ['hmac-sha2-256'], compression: ['none'] });
    expect(rec.kexinit?.cipherServerToClient).toEqual(['aes256-ctr']);
    expect(rec.done).toBe(true);
  });

  it('stays bounded on a 5 MB line and recognises FTP, SSH-1 and binary data', () => {
    const rec = new WireRecorder();
    rec.feed(Buffer.from('SSH-2.0-'));
    for (let i = 0; i < 80; i++) rec.feed(Buffer.alloc(64 * 1024, 0x41));
    expect(rec.verdict).toMatchObject({ kind: 'not-ssh', reason: 'too-long' });
    expect(rec.bytesSeen).toBe(8 + 80 * 64 * 1024);
    expect(rec.firstBytes(1_000_000).length).toBeLessThanOrEqual(MAX_RECORD + 1);
    const ftp = new WireRecorder();
    ftp.feed(Buffer.from('220 Welcome to FTP\r\n'));
    expect(ftp.verdict.kind).toBe('ftp');
    const ssh1 = new WireRecorder();
    ssh1.feed(Buffer.from('SSH-1.5-Old\n'));
    expect(ssh1.verdict.kind).toBe('ssh1');
    const v199 = new WireRecorder();
    v199.feed(Buffer.from('SSH-1.99-Compat\r\n'));
    expect(v199.verdict.kind).toBe('ssh2');
    const bin = new WireRecorder();
    bin.feed(Buffer.from([0, 1, 2, 3, 0xff, 0xfe, 9, 9, 9, 9, 9, 9, 9, 9, 9, 9]));
    expect(bin.verdict).toMatchObject({ kind: 'not-ssh', reason: 'binary' });
  });

  it('rejects a malformed KEXINIT instead of reading past its end', () => {
    expect(parseKexinit(Buffer.from([20, 1, 2]))).toBeNull();
    const bad = kexinitPayload(['a', 'b', 'c']);
    expect(parseKexinit(bad)).toBeNull();
  });
});
