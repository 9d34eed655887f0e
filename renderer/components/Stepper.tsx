/** The phases of a run as a vertical stepper, filled in live from the engine's events. */
import { PHASE_LABELS, type PhaseStatus } from '../../shared/codes';
import { formatMs, type StepView } from '../logic/run';
import { run as runStore, useRun } from '../stores/runStore';
import { useNow } from './useNow';

const STATUS_TEXT: Record<PhaseStatus, string> = {
  pending: 'waiting',
  running: 'in progress',
  ok: 'done',
  warn: 'done, with a warning',
  fail: 'failed',
  skipped: 'not reached',
};
const ICON: Record<PhaseStatus, string> = { pending: '○', running: '◌', ok: '✓', warn: '!', fail: '✗', skipped: '–' };

function StepTime({ step, now, waitingForUser }: { step: StepView; now: number; waitingForUser: boolean }) {
  // While a question is open the engine's clock is stopped: showing time against the budget would mislead.
  if (step.status === 'running' && waitingForUser) return <span className="step-time">waiting for your answer</span>;
  if (step.status === 'running' && step.startedAt !== null) {
    const elapsed = Math.max(0, now - step.startedAt);
    if (step.budgetMs && elapsed > 1000) {
      const over = elapsed > step.budgetMs;
      return (
        <span className={`step-time${over ? ' over' : ''}`}>
          {formatMs(elapsed)} of {formatMs(step.budgetMs)}
          <progress className="step-progress" max={step.budgetMs} value={Math.min(elapsed, step.budgetMs)} aria-label={`Time used of the ${formatMs(step.budgetMs)} allowed`} />
        </span>
      );
    }
    return <span className="step-time">{elapsed > 1000 ? formatMs(elapsed) : ''}</span>;
  }
  if (step.ms !== null && (step.status === 'ok' || step.status === 'warn' || step.status === 'fail')) return <span className="step-time">{formatMs(step.ms)}</span>;
  return null;
}

function liveText(steps: StepView[], state: string, cancelling: boolean): string {
  if (state === 'starting') return 'Starting the check.';
  if (cancelling) return 'Cancelling.';
  const running = steps.find((s) => s.status === 'running');
  if (running) return `${running.hopLabel ? `${running.hopLabel}: ` : ''}${PHASE_LABELS[running.phase]}: in progress.`;
  const failed = steps.find((s) => s.status === 'fail');
  if (failed) return `${PHASE_LABELS[failed.phase]}: failed.`;
  const last = [...steps].reverse().find((s) => s.status === 'ok' || s.status === 'warn');
  return last ? `${PHASE_LABELS[last.phase]}: ${STATUS_TEXT[last.status]}.` : '';
}

export function Stepper() {
  const steps = useRun((s) => s.steps);
  const state = useRun((s) => s.state);
  const startedAt = useRun((s) => s.startedAt);
  const endedAt = useRun((s) => s.endedAt);
  const cancelling = useRun((s) => s.cancelling);
  const waitingForUser = useRun((s) => s.prompts.length > 0);
  const budgetMs = useRun((s) => s.budgetMs);
  const active = state === 'running' || state === 'starting';
  const now = useNow(active);
  if (state === 'idle') return null;
  // A run that never got going (service gone, request refused) has no steps worth showing.
  if (state === 'failed' && steps.every((s) => s.status === 'pending')) return null;
  const total = startedAt !== null ? Math.max(0, (endedAt ?? now) - startedAt) : 0;

  return (
    <div className="stepper-wrap">
      <div className="stepper-head">
        <span className="muted run-clock" data-testid="run-clock">
          {active && budgetMs && !waitingForUser ? (
            <>
              Elapsed {formatMs(total)} of {formatMs(budgetMs)}
              <progress className="run-progress" max={budgetMs} value={Math.min(total, budgetMs)} aria-label={`Time used of the ${formatMs(budgetMs)} the check may take`} />
            </>
          ) : active ? (
            `Elapsed ${formatMs(total)}`
          ) : (
            `Took ${formatMs(total)}`
          )}
        </span>
        {active && (
          <button type="button" className="small" onClick={() => void runStore.store.getState().cancel()} disabled={cancelling}>
            {cancelling ? 'Cancelling…' : 'Cancel'}
          </button>
        )}
      </div>
      <ol className="stepper" aria-label="Connection steps" data-testid="stepper">
        {steps.map((s, i) => {
          const prev = steps[i - 1];
          // On a path, a heading each time the steps move on to the next hop: the jump hosts in order, then the server.
          const group = s.hop !== undefined ? (s.hopLabel ?? `Jump host ${s.hop + 1}`) : prev?.hop !== undefined ? 'SFTP server' : null;
          const newGroup = group !== null && (i === 0 || prev?.hop !== s.hop);
          return [
            newGroup ? (
              <li key={`g-${s.hop ?? 't'}`} className="step-group" data-hop={s.hop ?? 'server'}>
                {group}
              </li>
            ) : null,
          <li key={`${s.hop ?? 't'}-${s.phase}`} className={`step step-${s.status}${s.hop !== undefined ? ' step-hop' : ''}`} aria-current={s.status === 'running' ? 'step' : undefined} data-phase={s.phase} data-hop={s.hop} data-status={s.status}>
            <span className="step-icon" aria-hidden="true">
              {ICON[s.status]}
            </span>
            <span className="step-main">
              <span className="step-label">
                {s.hop !== undefined && <span className="visually-hidden">{s.hopLabel ?? `Jump host ${s.hop + 1}`}: </span>}
                {PHASE_LABELS[s.phase]}
                <span className="visually-hidden">: {STATUS_TEXT[s.status]}</span>
              </span>
              {s.detail && <span className="step-detail">{s.detail}</span>}
            </span>
            <StepTime step={s} now={now} waitingForUser={waitingForUser} />
          </li>,
          ];
        })}
      </ol>
      <p className="visually-hidden" aria-live="polite" role="status">
        {liveText(steps, state, cancelling)}
      </p>
    </div>
  );
}
