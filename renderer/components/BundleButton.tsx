/** "Export support bundle": available once an attempt has finished (the bundle describes it). */
import { bundle } from '../stores/bundleStore';
import { useRun } from '../stores/runStore';

export function BundleButton({ id }: { id: string }) {
  const runId = useRun((s) => (s.state === 'done' ? s.runId : null));
  if (runId) {
    return (
      <button type="button" onClick={() => bundle.getState().show(runId)} data-testid={`${id}-button`}>
        Export support bundle
      </button>
    );
  }
  return (
    <span className="tooltip-wrap">
      <button type="button" aria-disabled="true" className="is-disabled" aria-describedby={id} onClick={(e) => e.preventDefault()} data-testid={`${id}-button`}>
        Export support bundle
      </button>
      <span role="tooltip" id={id} className="tooltip">
        Connect first: the bundle describes the last attempt.
      </span>
    </span>
  );
}
