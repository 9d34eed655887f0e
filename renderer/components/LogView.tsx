/**
 * The log of the last attempt, for an admin: WinSCP-like levels (Normal: what the engine did;
 * Debug: also the raw ssh2 lines), clock times, a filter, copy and save. Lines are already
 * redacted by the engine.
 */
import { useState } from 'react';
import { PHASE_LABELS } from '../../shared/codes';
import type { LogLine, StepView } from '../logic/run';
import { useRun } from '../stores/runStore';
import { copyText } from './clipboard';
import { downloadText } from './download';

type Level = 'normal' | 'debug';

/** "14:03:07.125" from the run's start time and the line's offset; "+1234 ms" when the start is unknown. */
function stampOf(startIso: string | null, ms: number): string {
  const start = startIso ? Date.parse(startIso) : NaN;
  if (Number.isNaN(start)) return `+${String(Math.round(ms)).padStart(6)} ms`;
  const d = new Date(start + ms);
  const p = (n: number, w = 2) => String(n).padStart(w, '0');
  return `${p(d.getHours())}:${p(d.getMinutes())}:${p(d.getSeconds())}.${p(d.getMilliseconds(), 3)}`;
}

/** The Normal level's lines: each step as it ended (at its end time), then the engine's own lines. */
function stepLines(steps: readonly StepView[]): LogLine[] {
  const out: LogLine[] = [];
  let at = 0;
  for (const s of steps) {
    if (s.status !== 'ok' && s.status !== 'warn' && s.status !== 'fail') continue;
    at += s.ms ?? 0;
    out.push({ ms: at, source: 'engine', text: `${PHASE_LABELS[s.phase]}: ${s.status === 'ok' ? 'done' : s.status === 'warn' ? 'done, with a warning' : 'FAILED'}${s.detail ? ` (${s.detail})` : ''}` });
  }
  return out;
}

function visibleLines(logs: readonly LogLine[], steps: readonly StepView[], level: Level, filter: string): LogLine[] {
  const f = filter.trim().toLowerCase();
  const all = [...stepLines(steps), ...logs].sort((a, b) => a.ms - b.ms);
  return all.filter((l) => (level === 'debug' || l.source !== 'ssh') && (!f || l.text.toLowerCase().includes(f)));
}

export function LogView() {
  const logs = useRun((s) => s.logs);
  const dropped = useRun((s) => s.logsDropped);
  const state = useRun((s) => s.state);
  const startedIso = useRun((s) => s.result?.startedAt ?? null);
  const steps = useRun((s) => s.steps);
  const [copied, setCopied] = useState<string | null>(null);
  const [level, setLevel] = useState<Level>('normal');
  const [filter, setFilter] = useState('');
  if (state === 'idle' || (logs.length === 0 && state !== 'done')) return null;
  const lines = visibleLines(logs, steps, level, filter);
  const text = lines.map((l) => `${stampOf(startedIso, l.ms)} ${l.source === 'ssh' ? 'ssh   ' : 'engine'} ${l.text}`).join('\n');
  const hiddenDebug = level === 'normal' ? logs.filter((l) => l.source === 'ssh').length : 0;
  return (
    <details className="log-view">
      <summary>Log of this attempt ({logs.length} lines)</summary>
      {dropped > 0 && <p className="note muted">The first {dropped} lines were left out to keep the window fast.</p>}
      <div className="log-tools">
        <div className="field">
          <label htmlFor="log-level">Logging level</label>
          <select id="log-level" value={level} onChange={(e) => setLevel(e.target.value === 'debug' ? 'debug' : 'normal')} aria-describedby="log-level-help">
            <option value="normal">Normal</option>
            <option value="debug">Debug (with the raw SSH lines)</option>
          </select>
        </div>
        <div className="field grow">
          <label htmlFor="log-filter">Show only lines with</label>
          <input id="log-filter" type="search" value={filter} spellCheck={false} onChange={(e) => setFilter(e.target.value)} />
        </div>
      </div>
      <p id="log-level-help" className="note muted" aria-live="polite">
        {lines.length} lines shown{hiddenDebug > 0 ? `; ${hiddenDebug} raw SSH lines appear at the Debug level` : ''}.
      </p>
      {logs.length === 0 ? (
        <p className="muted">The engine wrote no log lines for this attempt.</p>
      ) : (
        <pre className="log mono" tabIndex={0} aria-label="Log lines" data-testid="log">
          {lines.map((l, i) => (
            <span key={i} className={`log-line log-${l.source}`}>
              <span className="log-ms">{stampOf(startedIso, l.ms)}</span> <span className="log-src">{l.source === 'ssh' ? 'ssh   ' : 'engine'}</span> {l.text}
              {'\n'}
            </span>
          ))}
        </pre>
      )}
      <div className="buttons">
        <button type="button" className="small" disabled={lines.length === 0} onClick={() => void copyText(text).then((ok) => setCopied(ok ? 'Copied.' : 'Copying is blocked here; select the log and copy it.'))}>
          Copy log
        </button>
        <button type="button" className="small" disabled={lines.length === 0} onClick={() => downloadText('sftp-doctor.log', `${text}\n`)}>
          Save log…
        </button>
        <span aria-live="polite" className="muted">
          {copied}
        </span>
      </div>
    </details>
  );
}
