/** "Export support bundle": one entry, on the result card, there only once an attempt has finished. */
import { bundle } from '../stores/bundleStore';
import { useRun } from '../stores/runStore';

export function BundleButton() {
  const runId = useRun((s) => (s.state === 'done' ? s.runId : null));
  if (!runId) return null;
  return (
    <button type="button" onClick={() => bundle.getState().show(runId)} data-testid="bundle-button" aria-haspopup="dialog">
      Export support bundle
    </button>
  );
}
