import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { Secret } from '../common/secret';
import { buildBundle } from './index';
import { BundleSecretError, assertNoSecrets, base64Core, clearPublicBlob, scanForSecrets, secretNeedles } from './scan';
import { SAMPLE_PRIVATE_KEY, sampleInput } from './test-fixtures';

const SECRET = 'Pa55:word/with+odd&chars "quoted" ü';
const file = (text: string, name = 'timeline.log') => [{ name, text }];
const hitsFor = (text: string, secret = SECRET) => scanForSecrets(file(`log line before ${text} and after`), [new Secret(secret)]);

describe('secret scanner: every encoded form is caught', () => {
  const bytes = Buffer.from(SECRET, 'utf8');
  const forms: [string, string][] = [
    ['plain', SECRET],
    ['HTML-escaped', SECRET.replace(/&/g, '&amp;').replace(/"/g, '&quot;')],
    ['JSON-escaped', JSON.stringify(SECRET).slice(1, -1)],
    ['base64', bytes.toString('base64')],
    ['base64 without padding', bytes.toString('base64').replace(/=+$/, '')],
    ['url-safe base64', bytes.toString('base64url')],
    ['hex', bytes.toString('hex')],
    ['HEX', bytes.toString('hex').toUpperCase()],
    ['hex with colons', bytes.toString('hex').match(/../g)!.join(':')],
    ['URL-encoded', encodeURIComponent(SECRET)],
    ['URL-encoded, lower-case escapes', encodeURIComponent(SECRET).replace(/%[0-9A-F]{2}/g, (m) => m.toLowerCase())],
    ['form-encoded', encodeURIComponent(SECRET).replace(/%20/g, '+')],
  ];
  it.each(forms)('finds the secret written %s', (_name, text) => {
    expect(hitsFor(text)).toHaveLength(1);
  });

  it('finds the secret inside longer base64 text at each of the three alignments (standard and url-safe)', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 40 }), fc.uint8Array({ maxLength: 40 }), fc.string({ minLength: 4, maxLength: 40 }), fc.boolean(), (before, after, secret, urlSafe) => {
        const blob = Buffer.concat([Buffer.from(before), Buffer.from(secret, 'utf8'), Buffer.from(after)]);
        const encoded = urlSafe ? blob.toString('base64url') : blob.toString('base64');
        return scanForSecrets(file(`key blob: ${encoded}`), [new Secret(secret)]).length === 1;
      }),
      { numRuns: 300 },
    );
  });

  it('the base64 core of each offset depends only on the secret', () => {
    const secret = Buffer.from('hunter2-secret');
    for (const offset of [0, 1, 2] as const) {
      const core = base64Core(secret, offset);
      for (const fill of [0x00, 0xff, 0x41]) {
        const blob = Buffer.concat([Buffer.alloc(offset, fill), secret, Buffer.alloc(3, fill)]).toString('base64');
        expect(blob).toContain(core);
      }
    }
  });

  it('finds any line of a private key body and the key markers, even when the key itself is not a listed secret', () => {
    const bodyLine = SAMPLE_PRIVATE_KEY.split('\n')[2]!;
    expect(scanForSecrets(file(`oops ${bodyLine}`), [new Secret(SAMPLE_PRIVATE_KEY)])[0]?.form).toBe('a line of the private key');
    for (const marker of ['-----BEGIN RSA PRIVATE KEY-----', '-----BEGIN OPENSSH PRIVATE KEY-----', '---- BEGIN SSH2 ENCRYPTED PRIVATE KEY ----', 'PuTTY-User-Key-File-3: ssh-ed25519', 'Private-Lines: 1', 'SSH PRIVATE KEY FILE FORMAT 1.1', 'b3BlbnNzaC1rZXktdjEAAAAA']) {
      const hits = scanForSecrets(file(`x\n${marker}\ny`), []);
      expect(hits, marker).toHaveLength(1);
      expect(hits[0]!.secret).toBeNull();
    }
  });

  it('fails loudly naming the file and the form, never the secret', () => {
    const files = [
      { name: 'report.json', text: 'nothing here' },
      { name: 'timeline.log', text: `auth ${Buffer.from(SECRET).toString('hex')}` },
    ];
    let error: unknown;
    try {
      assertNoSecrets(files, [new Secret('another-secret'), new Secret(SECRET)]);
    } catch (err) {
      error = err;
    }
    expect(error).toBeInstanceOf(BundleSecretError);
    const message = (error as Error).message;
    expect(message).toContain('"timeline.log"');
    expect(message).toContain('hex');
    expect(message).toMatch(/NOT written/);
    for (const needle of secretNeedles(SECRET)) expect(message).not.toContain(needle.text);
    expect((error as BundleSecretError).hits).toEqual([{ file: 'timeline.log', form: 'hex (lower case)', secret: 2 }]);
  });
});

describe('secret scanner: no false alarms', () => {
  it('random secrets are not "found" in a realistic bundle full of fingerprints, key blobs and logs', async () => {
    const { files } = await buildBundle(sampleInput({ secrets: [] }), { anonymise: false });
    fc.assert(
      fc.property(fc.string({ minLength: 4, maxLength: 24, unit: 'grapheme-ascii' }), (secret) => {
        // A secret that really is in the text, as typed or without its outer spaces (both are searched), is a true hit.
        fc.pre(files.every((f) => !f.text.includes(secret) && !f.text.includes(secret.trim())));
        return scanForSecrets(files, [new Secret(secret)]).length === 0;
      }),
      { numRuns: 300 },
    );
  });

  it('ordinary words do not trip a short secret, whole tokens do (the short-secret rule)', () => {
    expect(scanForSecrets(file('the pw12 field and xpw1 and pw1x'), [new Secret('pw1')])).toHaveLength(0);
    expect(scanForSecrets(file('the password was pw1.'), [new Secret('pw1')])).toHaveLength(1);
    // Encoded forms of a 3-character secret are not searched: "cHcx" is just four base64 letters.
    expect(scanForSecrets(file(`blob ${Buffer.from('pw1').toString('base64')}`), [new Secret('pw1')])).toHaveLength(0);
    expect(secretNeedles('pw1')).toHaveLength(1);
  });

  it('the sample bundle passes the scan with its real secrets (password, passphrase, private key)', async () => {
    await expect(buildBundle(sampleInput(), { anonymise: false })).resolves.toBeTruthy();
  });
});

const keyTools = existsSync('/usr/bin/ssh-keygen') && existsSync('/usr/bin/puttygen');
describe.skipIf(!keyTools)('secret scanner: a key file\'s public half is no secret (ssh-keygen and puttygen keys)', () => {
  // The public key line (key.json shows it to the admin) spells out lines of files that store the
  // public key in clear: PuTTY's Public-Lines, the header of an encrypted openssh-key-v1 file.
  it.each([
    ['encrypted OpenSSH RSA', 'rsa', 'openssh'],
    ['encrypted OpenSSH ECDSA', 'ecdsa', 'openssh'],
    ['PuTTY RSA (.ppk)', 'rsa', 'ppk'],
  ])('%s: the public key line passes, a private line is still caught', (_name, type, format) => {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'scan-key-'));
    try {
      const file = path.join(dir, 'key');
      execFileSync('ssh-keygen', ['-q', '-t', type, ...(type === 'rsa' ? ['-b', '2048'] : []), '-N', format === 'ppk' ? '' : 'scan pass 1', '-C', '', '-f', file]);
      let text = readFileSync(file, 'utf8');
      if (format === 'ppk') {
        execFileSync('puttygen', [file, '-O', 'private', '-o', `${file}.ppk`]);
        text = readFileSync(`${file}.ppk`, 'utf8');
      }
      const publicLine = readFileSync(`${file}.pub`, 'utf8').trim();
      expect(clearPublicBlob(text)).toBe(publicLine.split(' ')[1]);
      // The premise: without the exception some line of the file would be "found" in the public line.
      const bodyLines = text.split('\n').map((l) => l.trim()).filter((l) => l.length >= 16 && /^[A-Za-z0-9+/=]+$/.test(l));
      expect(bodyLines.some((l) => publicLine.includes(l))).toBe(true);
      expect(scanForSecrets(file_(`"publicKeyLine": "${publicLine}"`), [new Secret(text)])).toEqual([]);
      const privateLine = format === 'ppk' ? bodyLines.at(-2)! : bodyLines.at(-1)!;
      expect(publicLine.includes(privateLine)).toBe(false);
      expect(scanForSecrets(file_(`oops ${privateLine}`), [new Secret(text)])[0]?.form).toBe('a line of the private key');
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('reads no public blob from text that is not such a key', () => {
    expect(clearPublicBlob(SAMPLE_PRIVATE_KEY.replace('b3BlbnNz', 'AAAAAAAA'))).toBeNull();
    expect(clearPublicBlob('Public-Lines: 99999\nAAAA')).toBeNull();
    expect(clearPublicBlob('-----BEGIN OPENSSH PRIVATE KEY-----\nb3BlbnNzaC1rZXktdjEA\n-----END OPENSSH PRIVATE KEY-----')).toBeNull();
  });
});

function file_(text: string) {
  return [{ name: 'key.json', text }];
}
