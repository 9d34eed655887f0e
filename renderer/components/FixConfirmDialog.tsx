/**
 * Confirmation for fixes that change more than the form. Until the window has a repair channel
 * it says so honestly and gives the terminal command that applies the fix.
 */
import { useState } from 'react';
import type { Fix, RequestSummary } from '../../shared/types';
import { legacyAlgorithmsOf } from '../logic/formFixes';
import { describeParams, repairCommand, RISK_TEXT } from '../logic/repair';
import { allowLegacyAndReconnect } from '../stores/actions';
import { Dialog } from './Dialog';
import { copyText } from './clipboard';

export function FixConfirmDialog({ fix, request, onClose }: { fix: Fix; request: RequestSummary | null; onClose(): void }) {
  const [copied, setCopied] = useState<string | null>(null);
  const [formError, setFormError] = useState<string | null>(null);
  const legacy = legacyAlgorithmsOf(fix);
  const command = repairCommand(fix, request);
  const params = describeParams(fix.params);
  const risk = RISK_TEXT[fix.risk];
  return (
    <Dialog title={fix.label} onCancel={onClose} tone={fix.risk === 'dangerous' ? 'danger' : fix.risk === 'confirm' ? 'warn' : 'normal'} initialFocus="#fix-copy" testId="fix-confirm">
      <p>
        <span className={`risk-badge risk-badge-${fix.risk}`}>{risk.badge}</span> {risk.explain}
      </p>
      <h3 className="dialog-subtitle">What will change</h3>
      <p>{fix.description}</p>
      {params.length > 0 && (
        <dl className="evidence-list">
          {params.map((p) => (
            <div key={p.name} className="evidence-item">
              <dt>{p.name}</dt>
              <dd className="mono">{p.value}</dd>
            </div>
          ))}
        </dl>
      )}
      {legacy && (
        <>
          <h3 className="dialog-subtitle">Try it now</h3>
          <p>
            This window can allow <span className="mono">{legacy.join(', ')}</span> for the next attempt only (Advanced settings of the form), and connect again. Press Save afterwards to keep it for
            this site.
          </p>
          <div className="buttons">
            <button
              type="button"
              className={fix.risk === 'dangerous' ? 'danger' : 'primary'}
              onClick={() => {
                const out = allowLegacyAndReconnect(fix, legacy);
                if (out.applied) onClose();
                else setFormError(out.message);
              }}
            >
              Allow for this attempt and connect
            </button>
          </div>
          {formError && (
            <p className="note note-fail" role="alert">
              {formError}
            </p>
          )}
        </>
      )}
      <h3 className="dialog-subtitle">{legacy ? 'To change the saved settings' : 'How to apply it'}</h3>
      <p>This window cannot make this change yet. Run this command in a terminal on this computer; it shows the change again and asks before doing it:</p>
      <pre className="command mono" aria-label="Command to apply the fix">
        {command}
      </pre>
      <p className="muted">Then press “Connect again” here to check the result.</p>
      <div className="buttons dialog-buttons">
        <span aria-live="polite" className="muted">
          {copied}
        </span>
        <span className="spacer" />
        <button
          id="fix-copy"
          type="button"
          onClick={() => void copyText(command).then((ok) => setCopied(ok ? 'Copied.' : 'Copying is blocked here; select the command and copy it.'))}
        >
          Copy command
        </button>
        <button type="button" className={legacy ? undefined : 'primary'} onClick={onClose}>
          Close
        </button>
      </div>
    </Dialog>
  );
}
