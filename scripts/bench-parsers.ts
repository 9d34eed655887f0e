/**
 * The parser bound: every parser of a file the app reads, on every worst-case shape of
 * scripts/parser-bound.ts (each prefix x each unit, 5 MB; keys also at their 1 MB cap). Reports
 * the largest input and the slowest answer in CPU time. Budget: every answer under 1 s of CPU.
 * Run alone: npx tsx scripts/bench-parsers.ts
 */
import { PARSERS, type Measured, cleanupBound, measure, shapesOf } from './parser-bound';

export interface ParserBound {
  cases: number;
  largestBytes: number;
  worst: Measured;
  perParser: { name: string; cases: number; worstMs: number; worstShape: string }[];
  budgetMs: number;
  ok: boolean;
}

export async function runParserBound(budgetMs = 1000): Promise<ParserBound> {
  const all: Measured[] = [];
  const perParser: ParserBound['perParser'] = [];
  try {
    for (const parser of PARSERS) {
      let worst: Measured | null = null;
      const shapes = shapesOf(parser);
      for (const shape of shapes) {
        const m = await measure(shape);
        all.push(m);
        if (!worst || m.ms > worst.ms) worst = m;
      }
      perParser.push({ name: parser.name, cases: shapes.length, worstMs: worst!.ms, worstShape: worst!.label });
    }
  } finally {
    await cleanupBound();
  }
  const worst = all.reduce((a, b) => (b.ms > a.ms ? b : a));
  return { cases: all.length, largestBytes: Math.max(...all.map((m) => m.size)), worst, perParser, budgetMs, ok: worst.ms < budgetMs };
}

if (process.argv[1] && /bench-parsers\.ts$/.test(process.argv[1])) {
  runParserBound().then(
    (b) => {
      for (const p of b.perParser) console.log(`${p.worstMs.toFixed(0).padStart(6)} ms  ${p.name} (${p.cases} shapes; slowest: ${p.worstShape})`);
      console.log(`${b.ok ? 'PASS' : 'FAIL'}  parser bound: ${b.cases} inputs up to ${(b.largestBytes / 1048576).toFixed(1)} MB, slowest ${b.worst.ms.toFixed(0)} ms CPU (${b.worst.parser}, ${b.worst.label}); budget < ${b.budgetMs} ms`);
      process.exitCode = b.ok ? 0 : 1;
    },
    (err: unknown) => {
      console.error(`bench-parsers: ${err instanceof Error ? err.message : String(err)}`);
      process.exitCode = 1;
    },
  );
}
