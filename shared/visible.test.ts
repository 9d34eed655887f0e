import { describe, expect, it } from 'vitest';
import { terminalSafe, visibleDeep, visibleLine, visibleText } from './visible';

const ATTACKS = {
  clear: 'hi\x1b[2J\x1b[H',
  clipboard: '\x1b]52;c;ZWNobyBwd25lZA==\x07',
  hidden: 'ok \x1b[8mhidden\x1b[0m',
  csiC1: 'x\u009b2J',
  overwrite: 'Password for bank:\rPassword for root:',
  bidi: 'evil\u202egpj.exe',
  zeroWidth: 'pay\u200bpal',
  nul: 'a\x00b',
};

describe('visible', () => {
  it('leaves ordinary text alone, line breaks and tabs included', () => {
    const text = 'SSH-2.0-OpenSSH_9.6\nWelcome, Zoë 👋\tport 22\r\n';
    expect(visibleText(text)).toBe(text);
  });

  it('makes every escape, C1, lone CR and invisible reordering character visible', () => {
    expect(visibleText(ATTACKS.clear)).toBe('hi\\x1b[2J\\x1b[H');
    expect(visibleText(ATTACKS.clipboard)).toBe('\\x1b]52;c;ZWNobyBwd25lZA==\\x07');
    expect(visibleText(ATTACKS.hidden)).toBe('ok \\x1b[8mhidden\\x1b[0m');
    expect(visibleText(ATTACKS.csiC1)).toBe('x\\u009b2J');
    expect(visibleText(ATTACKS.overwrite)).toBe('Password for bank:\\rPassword for root:');
    expect(visibleText(ATTACKS.bidi)).toBe('evil\\u202egpj.exe');
    expect(visibleText(ATTACKS.zeroWidth)).toBe('pay\\u200bpal');
    expect(visibleText(ATTACKS.nul)).toBe('a\\x00b');
    for (const a of Object.values(ATTACKS)) {
      // eslint-disable-next-line no-control-regex
      expect(visibleText(a)).not.toMatch(/[\x00-\x08\x0b-\x1f\x7f-\x9f\u202a-\u202e]/);
    }
  });

  it('keeps a one-line value on one line', () => {
    expect(visibleLine('site\nname\tx')).toBe('site\\nname\\tx');
  });

  it('makes strings inside events and replies visible, copying the structure', () => {
    const event = { type: 'log', text: ATTACKS.clear, nested: [{ banner: ATTACKS.bidi }], n: 3, ok: true, none: null };
    expect(visibleDeep(event)).toEqual({ type: 'log', text: 'hi\\x1b[2J\\x1b[H', nested: [{ banner: 'evil\\u202egpj.exe' }], n: 3, ok: true, none: null });
    expect(event.text).toBe(ATTACKS.clear); // the input is not changed
  });

  it('lets the CLI keep only its own line redraw', () => {
    expect(terminalSafe('\r\x1b[K⠋ Connecting')).toBe('\r\x1b[K⠋ Connecting');
    expect(terminalSafe(`banner: ${ATTACKS.clear}\n`)).toBe('banner: hi\\x1b[2J\\x1b[H\n');
    // Inside JSON output, a C1 character becomes \u009b: still valid JSON, same value.
    expect(JSON.parse(terminalSafe(JSON.stringify({ a: ATTACKS.csiC1 })))).toEqual({ a: ATTACKS.csiC1 });
  });

  it('runs in linear time on a large hostile input', () => {
    const big = '\x1b'.repeat(1_000_000) + '\r'.repeat(1_000_000);
    expect(visibleText(big).length).toBe(6_000_000);
  });
});
