import { describe, expect, it } from 'vitest';
import type { BundleOptions } from '../../shared/api';
import { createBundleStore } from './bundleStore';
import { testApi } from './testApi';

describe('bundle store', () => {
  it('previews the bundle of the finished run, again when anonymising, and exports it', async () => {
    const t = testApi({
      'bundle:preview': (runId: string, o: BundleOptions) => [{ name: 'report.json', bytes: 10, text: o.anonymise ? 'host-1' : `run ${runId} files.example` }],
      'bundle:export': () => ({ fileName: 'sftp-doctor-support.zip', bytes: 1234, savedTo: null, base64: 'UEsDBA==' }),
    });
    const b = createBundleStore(() => t.api);
    b.getState().show('r1');
    await new Promise((r) => setTimeout(r, 0));
    expect(b.getState().preview?.[0]?.text).toBe('run r1 files.example');
    b.getState().setAnonymise(true);
    await new Promise((r) => setTimeout(r, 0));
    expect(b.getState().preview?.[0]?.text).toBe('host-1');
    const out = await b.getState().exportBundle();
    expect(out).toMatchObject({ fileName: 'sftp-doctor-support.zip', base64: 'UEsDBA==' });
    expect(t.calls.find((c) => c.channel === 'bundle:export')?.args).toEqual(['r1', { anonymise: true }]);
  });

  it('says why when main cannot make a bundle', async () => {
    const t = testApi({
      'bundle:preview': () => {
        throw new Error('The support bundle is not available in this build yet.');
      },
    });
    const b = createBundleStore(() => t.api);
    b.getState().show('r1');
    await new Promise((r) => setTimeout(r, 0));
    expect(b.getState()).toMatchObject({ preview: null, error: 'The support bundle is not available in this build yet.' });
  });
});
