/** The timeline of the last attempt: what the engine did and what ssh said (already redacted by the engine). */
import { useState } from 'react';
import { logText } from '../logic/run';
import { useRun } from '../stores/runStore';
import { copyText } from './clipboard';

export function LogView() {
  const logs = useRun((s) => s.logs);
  const dropped = useRun((s) => s.logsDropped);
  const state = useRun((s) => s.state);
  const [copied, setCopied] = useState<string | null>(null);
  if (state === 'idle' || (logs.length === 0 && state !== 'done')) return null;
  const text = logText(logs);
  return (
    <details className="log-view">
      <summary>Log of this attempt ({logs.length} lines)</summary>
      {dropped > 0 && <p className="note muted">The first {dropped} lines were left out to keep the window fast.</p>}
      {logs.length === 0 ? (
        <p className="muted">The engine wrote no log lines for this attempt.</p>
      ) : (
        <pre className="log mono" tabIndex={0} aria-label="Log lines" data-testid="log">
          {logs.map((l, i) => (
            <span key={i} className={`log-line log-${l.source}`}>
              <span className="log-ms">{String(Math.round(l.ms)).padStart(6)} ms</span> <span className="log-src">{l.source === 'ssh' ? 'ssh   ' : 'engine'}</span> {l.text}
              {'\n'}
            </span>
          ))}
        </pre>
      )}
      <div className="buttons">
        <button type="button" className="small" disabled={logs.length === 0} onClick={() => void copyText(text).then((ok) => setCopied(ok ? 'Copied.' : 'Copying is blocked here; select the log and copy it.'))}>
          Copy log
        </button>
        <span aria-live="polite" className="muted">
          {copied}
        </span>
      </div>
    </details>
  );
}
