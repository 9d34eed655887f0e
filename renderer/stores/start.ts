/** Wires the stores to the API once, before the first render. */
import { app } from './appStore';
import { check } from './checkStore';
import { run } from './runStore';
import { sites } from './sitesStore';

let started = false;

export function startStores(): void {
  if (started) return;
  started = true;
  app.attach();
  run.attach();
  check.attach();
  void app.store.getState().loadInfo();
  void sites.getState().load();
  // A deletion waiting for its undo time becomes final when the window goes away.
  window.addEventListener('pagehide', () => void sites.getState().commitDelete());
}
