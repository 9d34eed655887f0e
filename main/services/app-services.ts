/** The services with the real engine and stores: what both front ends (Electron, UI host) run. */
import { diagnose } from '../diagnose/index';
import { noVault, type PasswordVault } from '../store/password-vault';
import { createServices, type ServiceDeps, type Services } from './handlers';

export function createAppServices(deps: Omit<ServiceDeps, 'diagnose' | 'vault'> & { vault?: PasswordVault }): Services {
  const vault =
    deps.vault ??
    noVault(
      deps.host === 'browser'
        ? 'Passwords are not saved in the browser window: it has no access to your system keychain. Use the desktop app to save them, or type the password each time.'
        : 'Passwords cannot be saved here because the system keychain is not available.',
    );
  return createServices({ ...deps, diagnose, vault });
}
