/** Wires the stores to the API once, before the first render. */
import { app } from './appStore';

let started = false;

export function startStores(): void {
  if (started) return;
  started = true;
  app.attach();
  void app.store.getState().loadInfo();
}
