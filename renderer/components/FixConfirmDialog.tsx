/**
 * Confirmation for fixes the repair service carries out: it shows the dry run (every change,
 * what to weigh), asks for what the fix needs (the provider's fingerprint, a password, a folder),
 * then applies it and follows the re-check. The terminal command stays available as well.
 */
import { useEffect, useState } from 'react';
import type { RepairPlan } from '../../shared/api';
import type { Fix, RequestSummary } from '../../shared/types';
import { compareFingerprint } from '../../shared/fingerprint';
import { describeParams, missingInput, repairCommand, RISK_TEXT } from '../logic/repair';
import { applyFixAndFollow, planFix } from '../stores/actions';
import { useApp } from '../stores/appStore';
import { useRun } from '../stores/runStore';
import { Dialog } from './Dialog';

export function FixConfirmDialog({ fix, request, onClose }: { fix: Fix; request: RequestSummary | null; onClose(): void }) {
  const hostKey = useRun((s) => s.result?.facts.hostkey?.key ?? null);
  const [plan, setPlan] = useState<RepairPlan | null>(null);
  const [planError, setPlanError] = useState<string | null>(null);
  const [fingerprint, setFingerprint] = useState('');
  const [password, setPassword] = useState('');
  const [newPassword, setNewPassword] = useState('');
  const [newPasswordAgain, setNewPasswordAgain] = useState('');
  const [folder, setFolder] = useState('');
  const [busy, setBusy] = useState(false);
  const [result, setResult] = useState<{ message: string } | null>(null);
  const command = repairCommand(fix, request);
  const params = describeParams(fix.params);
  const risk = RISK_TEXT[fix.risk];

  useEffect(() => {
    let live = true;
    planFix(fix).then(
      (p) => live && setPlan(p),
      (err: unknown) => live && setPlanError(err instanceof Error ? err.message : String(err)),
    );
    return () => {
      live = false;
    };
  }, [fix]);

  // The browser window names no folder on the computer: the key goes to the folder named above.
  const browser = useApp((s) => s.info?.host === 'browser');
  const missing = plan ? missingInput(plan, { fingerprint, password, newPassword, newPasswordAgain }) : 'Loading what this fix would change…';
  const match = plan?.needs.includes('fingerprint') && hostKey && fingerprint.trim() ? compareFingerprint(fingerprint, hostKey) : null;

  const apply = async () => {
    setBusy(true);
    setResult(null);
    const out = await applyFixAndFollow(fix, {
      confirmed: true,
      ...(fingerprint.trim() ? { fingerprint } : {}),
      ...(password ? { password } : {}),
      ...(newPassword ? { newPassword } : {}),
      ...(folder.trim() ? { folder: folder.trim() } : {}),
    });
    setBusy(false);
    if (out.applied) onClose();
    else setResult({ message: out.message });
  };

  return (
    <Dialog title={fix.label} onCancel={onClose} tone={fix.risk === 'dangerous' ? 'danger' : fix.risk === 'confirm' ? 'warn' : 'normal'} initialFocus="#fix-first" testId="fix-confirm">
      <p>
        <span className={`risk-badge risk-badge-${fix.risk}`}>{risk.badge}</span> {risk.explain}
      </p>
      <h3 className="dialog-subtitle">What will change</h3>
      {!plan && !planError && <p className="muted">Checking exactly what this fix would change…</p>}
      {planError && (
        <p className="note note-fail" role="alert">
          {planError}
        </p>
      )}
      {plan && (
        <ul className="plan-changes" data-testid="fix-plan">
          {plan.changes.map((c, i) => (
            <li key={i} className={c.startsWith('  ') ? 'mono' : undefined}>
              {c}
            </li>
          ))}
        </ul>
      )}
      {!plan && params.length > 0 && (
        <dl className="evidence-list">
          {params.map((p) => (
            <div key={p.name} className="evidence-item">
              <dt>{p.name}</dt>
              <dd className="mono">{p.value}</dd>
            </div>
          ))}
        </dl>
      )}
      {plan?.notes && plan.notes.length > 0 && (
        <>
          <h3 className="dialog-subtitle">Before you agree</h3>
          <ul className="plan-notes">
            {plan.notes.map((n, i) => (
              <li key={i}>{n}</li>
            ))}
          </ul>
        </>
      )}

      {plan?.needs.includes('fingerprint') && (
        <label className="field">
          <span>Fingerprint from your provider (SHA256:…, MD5:… or the ssh-keygen -l line)</span>
          <input id="fix-first" className="mono" value={fingerprint} onChange={(e) => setFingerprint(e.target.value)} autoComplete="off" spellCheck={false} />
          {match && (
            <span className={`note ${match.status === 'match' ? 'note-ok' : match.status === 'partial' ? 'muted' : 'note-fail'}`} role="status">
              {match.status === 'match' ? 'It matches the key the server presented.' : match.status === 'partial' ? 'Matches so far…' : 'It does NOT match the key the server presented. Do not trust this key.'}
            </span>
          )}
        </label>
      )}
      {plan?.needs.includes('password') && (
        <label className="field">
          <span>Password of this account (used for this change only, not saved)</span>
          <input type="password" value={password} onChange={(e) => setPassword(e.target.value)} autoComplete="current-password" />
        </label>
      )}
      {plan?.needs.includes('new-password') && (
        <>
          <label className="field">
            <span>New password</span>
            <input type="password" value={newPassword} onChange={(e) => setNewPassword(e.target.value)} autoComplete="new-password" />
          </label>
          <label className="field">
            <span>New password again</span>
            <input type="password" value={newPasswordAgain} onChange={(e) => setNewPasswordAgain(e.target.value)} autoComplete="new-password" />
          </label>
        </>
      )}
      {plan?.needs.includes('folder') && browser && <p className="note muted">The new key file goes to the folder named above. To choose another folder, use the desktop app or the command line.</p>}
      {plan?.needs.includes('folder') && !browser && (
        <label className="field">
          <span>Folder for the new key file (leave empty for the one named above)</span>
          <input className="mono" value={folder} onChange={(e) => setFolder(e.target.value)} spellCheck={false} />
        </label>
      )}

      {result && (
        <p className="note note-warn" role="alert">
          {result.message}
        </p>
      )}

      <details className="fix-cli">
        <summary>Or apply it from a terminal</summary>
        <pre className="command mono" aria-label="Command to apply the fix">
          {command}
        </pre>
      </details>

      <div className="buttons dialog-buttons">
        <span aria-live="polite" className="muted">
          {plan && missing && plan.needs.length > 0 ? missing : null}
        </span>
        <span className="spacer" />
        <button type="button" onClick={onClose}>
          Cancel
        </button>
        <button
            id={plan?.needs.some((n) => n !== 'confirmation') ? undefined : 'fix-first'}
            type="button"
            className={fix.risk === 'dangerous' ? 'danger' : 'primary'}
            disabled={busy || !plan || missing !== null || match?.status === 'mismatch'}
            onClick={() => void apply()}
          >
            {busy ? 'Applying…' : fix.risk === 'safe' ? 'Apply and connect again' : 'I agree: apply and connect again'}
          </button>
      </div>
    </Dialog>
  );
}
