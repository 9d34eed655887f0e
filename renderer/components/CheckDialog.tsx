/**
 * "Check all": a table of saved sites that fills in as each check ends (site, result, time, first
 * fix), exported as CSV or JSON; a site's name opens its full result in the main window.
 */
import { checkRowsToCsv, checkRowsToJson, type CheckRow } from '../../shared/check';
import { formatMs } from '../logic/run';
import { check as checkStore, useCheck } from '../stores/checkStore';
import { run } from '../stores/runStore';
import { sites } from '../stores/sitesStore';
import { Dialog } from './Dialog';
import { downloadText } from './download';

function stamp(): string {
  const d = new Date();
  const p = (n: number) => String(n).padStart(2, '0');
  return `${d.getFullYear()}${p(d.getMonth() + 1)}${p(d.getDate())}-${p(d.getHours())}${p(d.getMinutes())}`;
}

function ResultCell({ row }: { row: CheckRow }) {
  if (row.state === 'waiting') return <span className="muted">Waiting</span>;
  if (row.state === 'running') return <span className="muted">Checking…</span>;
  return (
    <span className={row.ok ? 'check-state-ok' : 'check-state-fail'}>
      <span aria-hidden="true">{row.ok ? '✓ ' : '✗ '}</span>
      <span className="visually-hidden">{row.ok ? 'Works: ' : 'Failed: '}</span>
      {row.title}
      <br />
      <span className="check-code">{row.code}</span>
    </span>
  );
}

/** Opens a checked site's full result in the main window (stepper, card, fixes, bundle). */
function openRow(row: CheckRow): void {
  const result = checkStore.store.getState().results[row.siteId];
  if (!result) return;
  checkStore.store.getState().hide();
  sites.getState().select(row.siteId);
  run.store.getState().showResult(result);
}

export function CheckDialog() {
  const open = useCheck((s) => s.open);
  const state = useCheck((s) => s.state);
  const rows = useCheck((s) => s.rows);
  const scope = useCheck((s) => s.scope);
  const error = useCheck((s) => s.error);
  const results = useCheck((s) => s.results);
  if (!open) return null;
  const c = checkStore.store.getState();
  const done = rows.filter((r) => r.state === 'done');
  const failed = done.filter((r) => !r.ok).length;
  const busy = state === 'running' || state === 'starting';
  const summary =
    state === 'starting'
      ? 'Starting…'
      : state === 'failed'
        ? ''
        : `${busy ? 'Checked' : state === 'cancelled' ? 'Stopped after' : 'Checked'} ${done.length} of ${rows.length} sites${done.length ? `: ${done.length - failed} work, ${failed} failed` : ''}.`;

  return (
    <Dialog title={`Check ${scope}`} onCancel={() => c.hide()} testId="check-dialog" className="check-dialog" initialFocus="#check-close">
      <p className="check-summary" role="status" aria-live="polite" data-testid="check-summary">
        {summary}
      </p>
      {error && (
        <p className="note note-fail" role="alert">
          {error}
        </p>
      )}
      {rows.length > 0 && (
        <div className="check-table-wrap">
          <table className="check-table" aria-busy={busy} data-testid="check-table">
            <caption className="visually-hidden">One row per site: its result, how long the check took and the first fix offered</caption>
            <thead>
              <tr>
                <th scope="col">Site</th>
                <th scope="col">Result</th>
                <th scope="col">Time</th>
                <th scope="col">First fix</th>
              </tr>
            </thead>
            <tbody>
              {rows.map((row) => (
                <tr key={row.siteId} data-state={row.state} data-code={row.code ?? ''} data-site={row.site}>
                  <th scope="row">
                    {results[row.siteId] ? (
                      <button type="button" className="small check-site-button" onClick={() => openRow(row)} aria-label={`${row.site}: open the full result`}>
                        {row.site}
                      </button>
                    ) : (
                      row.site
                    )}
                    <br />
                    <span className="muted mono">{row.target}</span>
                  </th>
                  <td>
                    <ResultCell row={row} />
                  </td>
                  <td className="check-time">{row.ms !== undefined ? formatMs(row.ms) : ''}</td>
                  <td>{row.state === 'done' ? (row.firstFix?.label ?? (row.ok ? '' : <span className="muted">None: open the site for what to do</span>)) : ''}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
      <div className="buttons dialog-buttons">
        {busy && (
          <button type="button" onClick={() => void c.cancel()}>
            Stop
          </button>
        )}
        <button type="button" disabled={done.length === 0} onClick={() => downloadText(`sftp-doctor-check-${stamp()}.csv`, checkRowsToCsv(rows))}>
          Export CSV
        </button>
        <button type="button" disabled={done.length === 0} onClick={() => downloadText(`sftp-doctor-check-${stamp()}.json`, `${JSON.stringify(checkRowsToJson(rows), null, 2)}\n`)}>
          Export JSON
        </button>
        <button type="button" id="check-close" className="primary" onClick={() => c.hide()}>
          Close
        </button>
      </div>
    </Dialog>
  );
}
