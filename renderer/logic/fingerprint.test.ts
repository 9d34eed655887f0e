import { describe, expect, it } from 'vitest';
import { compareFingerprint, groupFingerprint, parseFingerprint } from './fingerprint';

const key = { sha256: 'SHA256:nThbg6kXUpJWGl7E1IGOCspRomTxdCARLviKw6E5SY8', md5: 'MD5:a1:b2:c3:d4:e5:f6:07:18:29:3a:4b:5c:6d:7e:8f:90' };

describe('comparing a pasted host key fingerprint', () => {
  it('matches the SHA256 fingerprint however it was copied', () => {
    for (const pasted of [
      'SHA256:nThbg6kXUpJWGl7E1IGOCspRomTxdCARLviKw6E5SY8',
      '256 SHA256:nThbg6kXUpJWGl7E1IGOCspRomTxdCARLviKw6E5SY8 root@server (ED25519)',
      'ssh-ed25519 255 SHA256:nThbg6kXUpJWGl7E1IGOCspRomTxdCARLviKw6E5SY8',
      '  nThbg6kXUpJWGl7E1IGOCspRomTxdCARLviKw6E5SY8=  ',
      'SHA256:nThb g6kX UpJW Gl7E 1IGO CspR omTx dCAR LviK w6E5 SY8',
    ]) {
      expect(compareFingerprint(pasted, key), pasted).toEqual({ status: 'match', kind: 'sha256' });
    }
  });

  it('matches an MD5 fingerprint in any case, with or without the prefix', () => {
    expect(compareFingerprint('MD5:A1:B2:C3:D4:E5:F6:07:18:29:3A:4B:5C:6D:7E:8F:90', key)).toEqual({ status: 'match', kind: 'md5' });
    expect(compareFingerprint('ssh-rsa 2048 a1:b2:c3:d4:e5:f6:07:18:29:3a:4b:5c:6d:7e:8f:90', key)).toEqual({ status: 'match', kind: 'md5' });
  });

  it('says "so far so good" while the fingerprint is being typed, and mismatch when it differs', () => {
    expect(compareFingerprint('SHA256:nThbg6', key)).toEqual({ status: 'partial', kind: 'sha256' });
    expect(compareFingerprint('SHA256:nThbg6kXUpJWGl7E1IGOCspRomTxdCARLviKw6E5SY9', key)).toEqual({ status: 'mismatch', kind: 'sha256' });
    // Case matters for base64: a lower-cased fingerprint is a different one.
    expect(compareFingerprint('SHA256:nthbg6kXUpJWGl7E1IGOCspRomTxdCARLviKw6E5SY8', key)).toEqual({ status: 'mismatch', kind: 'sha256' });
    expect(compareFingerprint('MD5:a1:b2:c3:00', key)).toEqual({ status: 'mismatch', kind: 'md5' });
  });

  it('tells empty and unreadable input apart', () => {
    expect(compareFingerprint('   ', key)).toEqual({ status: 'empty' });
    expect(compareFingerprint('yes it is the right one', key)).toEqual({ status: 'unreadable' });
    expect(parseFingerprint('hello')).toBeNull();
  });

  it('groups fingerprints for reading', () => {
    expect(groupFingerprint(key.sha256)).toEqual({ prefix: 'SHA256:', groups: ['nThb', 'g6kX', 'UpJW', 'Gl7E', '1IGO', 'CspR', 'omTx', 'dCAR', 'LviK', 'w6E5', 'SY8'] });
    expect(groupFingerprint(key.md5)).toEqual({ prefix: 'MD5:', groups: ['a1:b2:c3:d4', 'e5:f6:07:18', '29:3a:4b:5c', '6d:7e:8f:90'] });
  });
});
