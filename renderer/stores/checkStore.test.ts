import { describe, expect, it } from 'vitest';
import type { CheckEvent, CheckRow } from '../../shared/check';
import { createCheckStore } from './checkStore';
import { testApi } from './testApi';

const row = (siteId: string, state: CheckRow['state'], extra: Partial<CheckRow> = {}): CheckRow => ({ siteId, site: `F/${siteId}`, target: 'u@h', state, ...extra });

describe('check store', () => {
  it('keeps rows that arrive before the id, fills the table in order, and ends on the finished event', async () => {
    let release!: () => void;
    const gate = new Promise<void>((r) => (release = r));
    const api = testApi({
      'check:start': async () => {
        await gate;
        return { checkId: 'c1', rows: [row('a', 'waiting'), row('b', 'waiting')] };
      },
    });
    const check = createCheckStore(() => api.api, () => 0);
    check.attach();
    const started = check.store.getState().start({}, 'all 2 saved sites');
    const ev = (e: Omit<CheckEvent, 'checkId'>) => api.emit('check:event', { checkId: 'c1', ...e });
    ev({ index: 0, row: row('a', 'running'), finished: false });
    release();
    await started;
    expect(check.store.getState().rows.map((r) => r.state)).toEqual(['running', 'waiting']);
    ev({ index: 1, row: row('b', 'done', { ok: false, code: 'TCP_REFUSED' }), finished: false });
    api.emit('check:event', { checkId: 'other', index: 0, row: row('a', 'done', { ok: true, code: 'OK' }), finished: true });
    expect(check.store.getState().state).toBe('running');
    ev({ index: 0, row: row('a', 'done', { ok: true, code: 'OK' }), finished: false });
    ev({ index: 0, row: row('a', 'done', { ok: true, code: 'OK' }), finished: true });
    const s = check.store.getState();
    expect(s.rows.map((r) => r.code)).toEqual(['OK', 'TCP_REFUSED']);
    expect(s.state).toBe('done');
    expect(s.open).toBe(true);
  });

  it('says why a check could not start', async () => {
    const api = testApi({
      'check:start': () => {
        throw new Error('There are no saved sites in the folder "X".');
      },
    });
    const check = createCheckStore(() => api.api);
    await check.store.getState().start({ folder: 'X' }, 'the folder X');
    expect(check.store.getState()).toMatchObject({ state: 'failed', error: expect.stringContaining('folder "X"') });
  });
});
