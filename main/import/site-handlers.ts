/**
 * The sites:* channels of shared/api.ts, ready for the services table:
 *   createServices(deps, { ...siteHandlers(store) })
 * Arguments arrive already validated by main/services/schemas.ts. Errors thrown here carry a
 * sentence meant for the user (SiteStoreError), which the bridge passes on as is.
 */
import type { ApiRequests } from '../../shared/api';
import type { SiteStore } from '../store/sites';
import { discoverSources, importSelected, previewImport, type ImportEnvironment } from './index';

type SiteChannel = 'sites:list' | 'sites:save' | 'sites:delete' | 'sites:import-preview' | 'sites:import' | 'sites:discover';
export type SiteHandlers = { [K in SiteChannel]: (args: ApiRequests[K]['args']) => Promise<ApiRequests[K]['result']> };

export function siteHandlers(store: SiteStore, environment?: ImportEnvironment): SiteHandlers {
  const env = environment ? { environment } : {};
  return {
    'sites:list': async () => store.list(),
    'sites:save': async ([draft]) => store.save(draft),
    'sites:delete': async ([id]) => ({ deleted: await store.delete(id) }),
    'sites:import-preview': async ([source, file]) => previewImport(source, { store, ...env, ...(file ? { file } : {}) }),
    'sites:import': async ([source, keys, options]) => {
      const outcome = await importSelected(source, keys, { store, ...env, includePasswords: options.includePasswords, ...(options.file ? { file: options.file } : {}) });
      return outcome.sites;
    },
    'sites:discover': async () => {
      const found = await discoverSources({ store, ...env });
      return found.map(({ source, label, sites, hostKeys }) => ({ source, label, sites, hostKeys }));
    },
  };
}
