/** The diagnosis of the last run: title, what happened, what to do next, evidence, fixes. */
import { useState } from 'react';
import type { Action, AdminTopic } from '../../shared/actions';
import type { Fix, RunResult } from '../../shared/types';
import { formatMs } from '../logic/run';
import { canApplyInWindow, RISK_TEXT } from '../logic/repair';
import { applyFormFixAndReconnect, connect, focusField, measureSpeed } from '../stores/actions';
import { AdminMessageDialog } from './AdminMessageDialog';
import { type AppliedFix, useRun } from '../stores/runStore';
import { BundleButton } from './BundleButton';
import { EvidenceList, MismatchView } from './Evidence';
import { FixConfirmDialog } from './FixConfirmDialog';

function FixOutcome({ applied, result }: { applied: AppliedFix; result: RunResult }) {
  const d = result.diagnosis;
  if (d.ok) {
    return (
      <p className="fix-outcome fix-outcome-ok" role="status">
        Fixed: “{applied.label}” worked. Connected in {formatMs(result.totalMs)}.
      </p>
    );
  }
  if (d.code === applied.previousCode) {
    return (
      <p className="fix-outcome fix-outcome-fail" role="status">
        “{applied.label}” was applied, but the same problem remains. Read the explanation below for what else to check.
      </p>
    );
  }
  return (
    <p className="fix-outcome fix-outcome-warn" role="status">
      “{applied.label}” solved the earlier problem. The connection now stops at a different step:
    </p>
  );
}

function FixButton({ fix, onPick }: { fix: Fix; onPick(fix: Fix): void }) {
  const risk = RISK_TEXT[fix.risk];
  return (
    <li className="fix">
      <button type="button" className={`fix-button risk-${fix.risk}`} onClick={() => onPick(fix)} aria-describedby={`fix-desc-${fix.id}`} data-fix-id={fix.id}>
        <span className="fix-label">{fix.label}</span>
        <span className={`risk-badge risk-badge-${fix.risk}`} title={risk.explain}>
          {risk.badge}
        </span>
      </button>
      <p id={`fix-desc-${fix.id}`} className="note muted">
        {fix.description}
      </p>
    </li>
  );
}

/** An action is not a repair: no risk badge; it opens a message, focuses a field, or says what to use. */
function ActionItem({ action, onAdmin }: { action: Action; onAdmin(topic: AdminTopic): void }) {
  const run = () => {
    if (action.type === 'ask-admin') onAdmin(action.topic);
    else if (action.type === 'enter') {
      // The engine asks for a key's passphrase itself when it opens the key: connect again.
      if (action.field === 'passphrase') connect();
      else focusField(action.field, action.description);
    }
  };
  return (
    <li className="action">
      {action.type === 'other-program' ? (
        <strong className="action-label">{action.label}</strong>
      ) : (
        <button type="button" className="action-button" onClick={run} data-action={action.type === 'enter' ? `enter-${action.field}` : action.type}>
          {action.label}
        </button>
      )}
      <p className="note muted">{action.description}</p>
    </li>
  );
}

export function ResultCard() {
  const result = useRun((s) => s.result);
  const state = useRun((s) => s.state);
  const applied = useRun((s) => s.appliedFix);
  const [confirming, setConfirming] = useState<Fix | null>(null);
  const [adminTopic, setAdminTopic] = useState<AdminTopic | null>(null);
  const [fixError, setFixError] = useState<{ runId: string; message: string } | null>(null);
  if (state !== 'done' || !result) return null;
  const d = result.diagnosis;
  const mismatch = result.facts.kex?.mismatch;
  const hasEvidence = d.evidence.length > 0 || mismatch !== undefined;

  const pick = (fix: Fix) => {
    setFixError(null);
    if (canApplyInWindow(fix)) {
      const out = applyFormFixAndReconnect(fix);
      if (!out.applied) setFixError({ runId: result.runId, message: out.message });
    } else {
      setConfirming(fix);
    }
  };

  return (
    <article className={`result-card ${d.ok ? 'result-ok' : 'result-fail'}`} aria-labelledby="result-title" data-testid="result-card" data-code={d.code} tabIndex={-1}>
      {applied && <FixOutcome applied={applied} result={result} />}
      <h3 id="result-title" className="result-title">
        <span className="result-icon" aria-hidden="true">
          {d.ok ? '✓' : '✗'}
        </span>
        {d.title}
      </h3>
      <p className="result-explanation">{d.explanation}</p>
      <div className="result-next">
        <strong>Next step: </strong>
        {d.nextStep}
      </div>

      {d.warnings && d.warnings.length > 0 && (
        <section aria-labelledby="warnings-title" className="result-warnings" data-testid="result-warnings">
          <h4 id="warnings-title">{d.ok ? 'It works here, but' : 'Also'}</h4>
          <ul className="warning-list">
            {d.warnings.map((w) => (
              <li key={w.code} className="warning" data-warning-code={w.code}>
                <strong className="warning-title">
                  <span aria-hidden="true">⚠ </span>
                  {w.title}
                </strong>
                <p className="note">{w.explanation}</p>
              </li>
            ))}
          </ul>
        </section>
      )}

      {d.fixes.length > 0 && (
        <section aria-labelledby="fixes-title" className="fixes">
          <h4 id="fixes-title">{d.fixes.length === 1 ? 'Fix' : 'Fixes'}</h4>
          <ul className="fix-list">
            {d.fixes.map((fix) => (
              <FixButton key={fix.id} fix={fix} onPick={pick} />
            ))}
          </ul>
          {fixError?.runId === result.runId && (
            <p className="note note-fail" role="alert">
              {fixError.message}
            </p>
          )}
        </section>
      )}

      {d.actions.length > 0 && (
        <section aria-labelledby="actions-title" className="actions">
          <h4 id="actions-title">{d.fixes.length ? 'Or' : 'What to do'}</h4>
          <ul className="action-list">
            {d.actions.map((a, i) => (
              <ActionItem key={`${a.type}-${i}`} action={a} onAdmin={setAdminTopic} />
            ))}
          </ul>
        </section>
      )}

      {hasEvidence && (
        <details className="evidence" open={mismatch !== undefined}>
          <summary>Evidence{d.evidence.length ? ` (${d.evidence.length})` : ''}</summary>
          {mismatch && <MismatchView mismatch={mismatch} />}
          <EvidenceList items={d.evidence} />
        </details>
      )}

      <div className="buttons result-buttons">
        <button type="button" onClick={() => connect()}>
          Connect again
        </button>
        {d.ok && result.facts.write?.stage === 'done' && (
          <button type="button" onClick={() => measureSpeed()} title="Uploads and downloads 8 MiB and shows MB/s each way, beside OpenSSH's sftp when it can log in the same way">
            Measure speed
          </button>
        )}
        <BundleButton />
      </div>
      {adminTopic && <AdminMessageDialog result={result} topic={adminTopic} onClose={() => setAdminTopic(null)} />}
      {confirming && <FixConfirmDialog fix={confirming} request={result.request} onClose={() => setConfirming(null)} />}
    </article>
  );
}
