/** The right-hand pane: the stepper of the current run, then its result and its log. */
import { useEffect, useRef } from 'react';
import { renderCode } from './ServiceBanner';
import { LogView } from './LogView';
import { ResultCard } from './ResultCard';
import { Stepper } from './Stepper';
import { useRun } from '../stores/runStore';

/**
 * When a run ends, its answer comes to the user: the result card scrolls into view and takes the
 * focus (a screen reader reads its title), whatever the window size.
 */
function useBringResultToUser(runId: string | null, done: boolean): void {
  const shown = useRef<string | null>(null);
  useEffect(() => {
    if (!done || !runId || shown.current === runId) return;
    shown.current = runId;
    // A dialog (a fix, the bundle, a question) keeps the focus it has.
    if (document.querySelector('dialog[open]')) return;
    const card = document.querySelector<HTMLElement>('[data-testid="result-card"]');
    if (!card) return;
    card.focus({ preventScroll: true });
    card.scrollIntoView({ block: 'start', behavior: window.matchMedia('(prefers-reduced-motion: reduce)').matches ? 'auto' : 'smooth' });
  }, [runId, done]);
}

export function RunPanel() {
  const state = useRun((s) => s.state);
  const error = useRun((s) => s.error);
  const runId = useRun((s) => s.runId);
  useBringResultToUser(runId, state === 'done');
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
