/** The right-hand pane: the stepper of the current run, then its result and its log. */
import { renderCode } from './ServiceBanner';
import { LogView } from './LogView';
import { ResultCard } from './ResultCard';
import { Stepper } from './Stepper';
import { useRun } from '../stores/runStore';

export function RunPanel() {
  const state = useRun((s) => s.state);
  const error = useRun((s) => s.error);
  return (
    <div className="run-panel">
      <h2 className="pane-title" id="run-title">
        Diagnosis
      </h2>
      {state === 'idle' && (
        <p className="muted run-empty">
          Fill in the session and press <kbd>Connect</kbd> (or Enter). SFTP Doctor then checks the connection step by step and explains the first thing that goes wrong.
        </p>
      )}
      <ResultCard />
      <Stepper />
      {state === 'failed' && error && (
        <p className="note note-fail" role="alert">
          {renderCode(error)}
        </p>
      )}
      <LogView />
    </div>
  );
}
