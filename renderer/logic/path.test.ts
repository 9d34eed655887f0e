import { describe, expect, it } from 'vitest';
import type { RunEvent } from '../../shared/types';
import { emptyForm, fromSiteSettings, jumpHostsProblem, proxyProblem, toConnectionRequest, toSiteSettings } from './form';
import { reduceRunEvent, runStarted, startingRun } from './run';

describe('the Advanced panel\'s path fields', () => {
  const v = { ...emptyForm(), host: 'files.internal.invalid', user: 'ann', password: 'Target-Pw', proxyType: 'socks5' as const, proxyHost: 'proxy.invalid', proxyPort: '', proxyUser: 'me', proxyPassword: 'Proxy-Pw', jumpHosts: 'ops@gw1.invalid:2222, gw2.invalid', jumpPassword: 'Jump-Pw' };

  it('become the request\'s proxy and jump hosts, with their passwords for this run', () => {
    const r = toConnectionRequest(v);
    expect(r.proxy).toEqual({ type: 'socks5', host: 'proxy.invalid', port: 1080, user: 'me', password: 'Proxy-Pw' });
    expect(r.jumpHosts).toEqual([
      { host: 'gw1.invalid', port: 2222, user: 'ops', password: 'Jump-Pw' },
      { host: 'gw2.invalid', password: 'Jump-Pw' },
    ]);
  });

  it('are saved with the site without any password, and come back into the form', () => {
    const s = toSiteSettings(v);
    expect(s.proxy).toEqual({ type: 'socks5', host: 'proxy.invalid', port: 1080, user: 'me' });
    expect(s.jumpHosts).toEqual([{ host: 'gw1.invalid', port: 2222, user: 'ops' }, { host: 'gw2.invalid' }]);
    expect(JSON.stringify(s)).not.toMatch(/Pw/);
    const back = fromSiteSettings(s);
    expect(back).toMatchObject({ proxyType: 'socks5', proxyHost: 'proxy.invalid', proxyPort: '1080', proxyUser: 'me', proxyPassword: '', jumpHosts: 'ops@gw1.invalid:2222, gw2.invalid', jumpPassword: '' });
  });

  it('say what is wrong under the field', () => {
    expect(jumpHostsProblem('gw.invalid:70000')).toMatch(/"70000" is not a port number/);
    expect(jumpHostsProblem('ann@gw.invalid, ops@gw2.invalid:22')).toBeNull();
    expect(proxyProblem({ proxyType: 'http', proxyHost: '', proxyPort: '' })).toMatch(/proxy's host name/);
    expect(proxyProblem({ proxyType: 'http', proxyHost: 'p', proxyPort: 'abc' })).toMatch(/between 1 and 65535/);
    expect(proxyProblem({ proxyType: '', proxyHost: '', proxyPort: 'abc' })).toBeNull();
  });
});

describe('the stepper on a path', () => {
  const ev = (phase: 'input' | 'dns' | 'tcp' | 'auth', status: 'running' | 'ok', hop?: number): RunEvent => ({ type: 'phase', runId: 'r', phase, status, ms: 1, detail: '', ...(hop !== undefined ? { hop, hopLabel: `Jump host ${hop + 1} gw${hop + 1}:22` } : {}) });

  it('puts each jump host\'s steps, in order, between the form check and the server\'s own steps', () => {
    let view = runStarted(startingRun(0), 'r', 0);
    for (const e of [ev('input', 'ok'), ev('dns', 'ok', 0), ev('tcp', 'ok', 0), ev('auth', 'ok', 0), ev('dns', 'ok', 1), ev('auth', 'ok', 1), ev('dns', 'running')]) view = reduceRunEvent(view, e, 10);
    expect(view.steps.map((s) => `${s.hop ?? 't'}:${s.phase}`).slice(0, 8)).toEqual(['t:input', '0:dns', '0:tcp', '0:auth', '1:dns', '1:auth', 't:dns', 't:tcp']);
    expect(view.steps.find((s) => s.hop === undefined && s.phase === 'dns')?.status).toBe('running');
    expect(view.steps.find((s) => s.hop === 0 && s.phase === 'dns')).toMatchObject({ status: 'ok', hopLabel: 'Jump host 1 gw1:22' });
  });
});
