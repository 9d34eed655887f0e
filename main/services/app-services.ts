/** The services with the real engine and stores: what both front ends (Electron, UI host) run. */
import { diagnose } from '../diagnose/index';
import { createServices, type ServiceDeps, type Services } from './handlers';

export function createAppServices(deps: Omit<ServiceDeps, 'diagnose'>): Services {
  return createServices({ ...deps, diagnose });
}
