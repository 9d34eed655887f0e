/**
 * The bundle's README.txt says in two lines what each file is for: every file a zip can hold
 * (key.json included) has its name and exactly one more line, and nothing is listed that a
 * bundle never holds.
 */
import { strFromU8, unzipSync } from 'fflate';
import { describe, expect, it } from 'vitest';
import { buildBundle } from './index';
import { sampleInput } from './test-fixtures';

/** The "Files" section of the README: name -> its description lines. */
function filesSection(readme: string): Map<string, string[]> {
  const lines = readme.split('\n');
  const start = lines.findIndex((l) => /^Files\b/.test(l));
  const out = new Map<string, string[]>();
  let current: string[] | null = null;
  for (const line of lines.slice(start + 2)) {
    if (line.trim() === '') break;
    const m = /^(\S+)\s{2,}(\S.*)$/.exec(line);
    if (m) {
      current = [m[2]!];
      out.set(m[1]!, current);
    } else if (current && /^ {10,}\S/.test(line)) current.push(line.trim());
    else throw new Error(`unexpected line in the Files section: ${line}`);
  }
  return out;
}

describe('bundle README: two lines per file', () => {
  it.each([
    ['with a key (every file there can be)', sampleInput()],
    ['without a key', sampleInput({ keyInspection: undefined })],
  ])('%s', async (_label, input) => {
    const zip = unzipSync((await buildBundle(input, { anonymise: false })).zip);
    const names = Object.keys(zip);
    const section = filesSection(strFromU8(zip['README.txt']!));
    for (const name of names) {
      expect(section.get(name), name).toBeDefined();
      expect(section.get(name), name).toHaveLength(2);
      // Says what it is for, in words (not a blank or a bare name).
      expect(section.get(name)!.join(' ').length, name).toBeGreaterThan(60);
    }
    // Nothing listed that a bundle never holds: only key.json is optional, and the README says when it is there.
    const extra = [...section.keys()].filter((n) => !names.includes(n));
    expect(extra).toEqual(names.includes('key.json') ? [] : ['key.json']);
    if (extra.length) expect(section.get('key.json')![0]).toMatch(/^Only when a key was used/);
  });
});
