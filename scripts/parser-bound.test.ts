/**
 * Every parser of a file the app reads, fed 5 MB (and, for keys, the 1 MB the key reader
 * accepts) of the shapes that make text handling quadratic or crash: blank lines, CR-only line
 * ends, one long line, NULs, runs that do not reach the end, deep nesting, thousands of
 * numbered hosts, repeated tokens. Each must come back (no hang, no exception) with a message a
 * user can read. The time each took is not asserted here (a loaded machine would make that
 * flaky): it is written to .tmp/parser-bound.json for the test summary, and `npm run bench`
 * holds the budget. A quadratic parser on these sizes takes minutes, so it fails by timeout.
 */
import { mkdir, writeFile } from 'node:fs/promises';
import { afterAll, describe, expect, it } from 'vitest';
import { GENERIC_RUNS, GENERIC_UNITS, MB, PARSERS, type Measured, cleanupBound, documentShape, fill, measure } from './parser-bound';

const results: Measured[] = [];

afterAll(async () => {
  await cleanupBound();
  if (results.length === 0) return;
  const worst = results.reduce((a, b) => (b.ms > a.ms ? b : a));
  const largest = Math.max(...results.map((r) => r.size));
  await mkdir('.tmp', { recursive: true });
  await writeFile('.tmp/parser-bound.json', JSON.stringify({ cases: results.length, largestBytes: largest, worst: { parser: worst.parser, shape: worst.label, bytes: worst.size, cpuMs: Math.round(worst.ms) } }, null, 2));
});

/** The shapes run at the full 5 MB; every other unit runs at 256 KB (the bench runs all at 5 MB). */
const FULL_SIZE_UNITS = new Set(['\n', '\r', 'A', '\0', '\n{i}', ' ']);

describe('every parser answers worst-case inputs of up to 5 MB with a clear message', () => {
  for (const parser of PARSERS) {
    it(parser.name, async () => {
      // Each unit once, with the parser's prefixes taken in turn (the bench runs every pairing).
      const units: [string, string][] = [...[...GENERIC_UNITS, ...parser.units].map((u): [string, string] => [u, '']), ...GENERIC_RUNS];
      let n = 0;
      for (const cap of parser.sizes) {
        for (const [unit, suffix] of units) {
          const size = FULL_SIZE_UNITS.has(unit) || unit.includes('{i}') ? cap : Math.min(cap, MB / 4);
          const prefix = parser.prefixes[n++ % parser.prefixes.length]!;
          const label = `${JSON.stringify(prefix.slice(0, 20))} + ${JSON.stringify(unit)} x N${suffix ? ` + ${JSON.stringify(suffix)}` : ''}`;
          const m = await measure({ parser, label, size, make: () => fill(prefix, unit, size, suffix) });
          results.push(m);
          expect(m.answer.message, label).toMatch(/\S/);
          expect(m.answer.message, label).not.toMatch(/undefined|\[object|NaN|TypeError|RangeError|Maximum call stack/);
        }
        for (const doc of parser.documents ?? []) {
          const m = await measure(documentShape(parser, doc, cap));
          results.push(m);
          expect(m.answer.message, m.label).toMatch(/\S/);
          expect(m.answer.message.length, m.label).toBeLessThan(10_000);
        }
      }
    }, 600_000);
  }
});
