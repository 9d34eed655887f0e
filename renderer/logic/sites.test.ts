import { describe, expect, it } from 'vitest';
import type { Site } from '../../shared/sites';
import { buildTree, copyName, folderPaths, splitSitePath } from './sites';

const site = (id: string, name: string, folder = ''): Site => ({
  id,
  name,
  folder,
  settings: { protocol: 'sftp', host: 'h', user: 'u' },
  hasSavedPassword: false,
  createdAt: '',
  updatedAt: '',
});

describe('site tree', () => {
  it('nests folders and sorts folders and sites by name', () => {
    const tree = buildTree([site('1', 'zeta'), site('2', 'Acme', 'Work/Clients'), site('3', 'alpha'), site('4', 'Intranet', 'Work'), site('5', 'b', ' Work / Clients ')]);
    expect(tree.sites.map((s) => s.name)).toEqual(['alpha', 'zeta']);
    expect(tree.folders.map((f) => f.path)).toEqual(['Work']);
    const work = tree.folders[0]!;
    expect(work.sites.map((s) => s.name)).toEqual(['Intranet']);
    expect(work.folders.map((f) => [f.path, f.name])).toEqual([['Work/Clients', 'Clients']]);
    expect(work.folders[0]!.sites.map((s) => s.id)).toEqual(['2', '5']);
  });

  it('lists every folder, parents included', () => {
    expect(folderPaths([site('1', 'a', 'Work/Clients/Big'), site('2', 'b', 'Home')])).toEqual(['Home', 'Work', 'Work/Clients', 'Work/Clients/Big']);
  });

  it('moves a site to a folder when the new name contains slashes', () => {
    expect(splitSitePath('Acme', 'Work')).toEqual({ name: 'Acme', folder: 'Work' });
    expect(splitSitePath('Work/Clients/Acme', '')).toEqual({ name: 'Acme', folder: 'Work/Clients' });
    expect(splitSitePath('/Acme', 'Work')).toEqual({ name: 'Acme', folder: '' });
  });

  it('names a duplicate after the original without clashing', () => {
    const sites = [site('1', 'Box'), site('2', 'Box (copy)')];
    expect(copyName('Box', '', sites)).toBe('Box (copy 2)');
    expect(copyName('Box (copy)', '', sites)).toBe('Box (copy 2)');
    expect(copyName('Box', 'Other', sites)).toBe('Box (copy)');
  });
});
