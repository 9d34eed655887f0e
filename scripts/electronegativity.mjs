// Runs Doyensec's Electronegativity over the Electron code and the renderer's page, and fails
// when it reports a HIGH (or CRITICAL) finding. The tool itself always exits 0, so its CSV is read.
import { spawnSync } from 'node:child_process';
import { cpSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const require = createRequire(import.meta.url);
const electronVersion = require('electron/package.json').version;
const cli = path.join(path.dirname(require.resolve('@doyensec/electronegativity/package.json')), 'dist', 'index.js');
const tmp = mkdtempSync(path.join(os.tmpdir(), 'electronegativity-'));

/**
 * Reads the findings from the tool's CSV. Its "sample" column holds source text that is not always
 * quoted correctly (quotes, line breaks), so a finding is recognised by how its line starts:
 * ISSUE_NAME,"SEVERITY","CONFIDENCE","file","line:col",... and only those first columns are read.
 */
function parseFindings(text) {
  const findings = [];
  const start = /^([A-Z0-9_]+),"?(CRITICAL|HIGH|MEDIUM|LOW|INFORMATIONAL)"?,"?([A-Z]+)"?,"?([^",]*)"?,"?([^",]*)"?/;
  for (const line of text.split(/\r?\n/)) {
    const m = start.exec(line);
    if (m) findings.push({ issue: m[1], severity: m[2], confidence: m[3], file: m[4], location: m[5] });
  }
  return findings;
}

// Scan the Electron side (main/) together with the renderer's page (where the CSP meta tag lives),
// as one app, so app-wide checks (CSP, navigation limits, permission handler) see both.
const app = path.join(tmp, 'app');
cpSync(path.join(root, 'main'), path.join(app, 'main'), { recursive: true, filter: (src) => !/\.test\.ts$|[\\/]fixtures([\\/]|$)/.test(src) });
for (const file of readdirSync(path.join(root, 'renderer')).filter((f) => f.endsWith('.html'))) cpSync(path.join(root, 'renderer', file), path.join(app, 'renderer', file));
const out = path.join(tmp, 'report.csv');
const run = spawnSync(process.execPath, [cli, '-i', app, '-e', electronVersion, '-r', '-o', out], { encoding: 'utf8', timeout: 180_000 });
let csv;
try {
  csv = readFileSync(out, 'utf8');
} catch {
  console.error(`Electronegativity produced no report:\n${run.stdout}\n${run.stderr}`);
  process.exit(1);
}
const findings = parseFindings(csv);
// The CSV always has a header; a report we cannot read is a failure, not a pass.
if (!/^issue,\s*severity/.test(csv) || (csv.split(/\r?\n/).filter((l) => /^[A-Z0-9_]+_CHECK,/.test(l)).length !== findings.length)) {
  console.error('Could not read the Electronegativity report; see it with: npx electronegativity -i main -o report.csv');
  process.exit(1);
}
rmSync(tmp, { recursive: true, force: true });

const relevant = findings;
const high = relevant.filter((f) => /HIGH|CRITICAL/i.test(f.severity));
for (const f of relevant) console.log(`  ${f.severity.padEnd(13)} ${f.issue.padEnd(32)} ${f.file}:${f.location} (${f.confidence})`);
console.log(`Electronegativity (Electron ${electronVersion}): ${relevant.length} finding(s), ${high.length} high or critical.`);
if (high.length > 0) {
  console.error('\nHigh-severity Electron security findings: fix them (see https://github.com/doyensec/electronegativity/wiki).');
  process.exit(1);
}
