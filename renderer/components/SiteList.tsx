/** The saved-site tree on the left, WinSCP style: folders, sites, and the buttons under them. */
import { type KeyboardEvent, useEffect, useMemo, useRef, useState } from 'react';
import type { Site } from '../../shared/sites';
import { buildTree, shownName, type FolderNode } from '../logic/sites';
import { connectSite } from '../stores/actions';
import { check, useCheck } from '../stores/checkStore';
import { importer, useImport } from '../stores/importStore';
import { IMPORT_BUTTON_ID } from './ImportDialog';
import { sites as sitesStore, useSites } from '../stores/sitesStore';

type Row = { kind: 'folder'; key: string; node: FolderNode; level: number; expanded: boolean } | { kind: 'site'; key: string; site: Site; level: number };

function flatten(node: FolderNode, collapsed: Record<string, boolean>, level: number, out: Row[]): Row[] {
  for (const f of node.folders) {
    const expanded = !collapsed[f.path];
    out.push({ kind: 'folder', key: `f:${f.path}`, node: f, level, expanded });
    if (expanded) flatten(f, collapsed, level + 1, out);
  }
  for (const s of node.sites) out.push({ kind: 'site', key: `s:${s.id}`, site: s, level });
  return out;
}

function RenameInput({ site, onDone }: { site: Site; onDone(): void }) {
  // Shown made visible; what is left as shown keeps its stored bytes (the store maps it back).
  const [text, setText] = useState(shownName(site.folder ? `${site.folder}/${site.name}` : site.name));
  const finish = async (commit: boolean) => {
    if (commit) {
      const ok = await sitesStore.getState().rename(site.id, text);
      if (!ok) return;
    }
    onDone();
  };
  return (
    <input
      className="rename-input"
      aria-label={`New name for ${shownName(site.name)} (use Folder/Name to move it)`}
      value={text}
      autoFocus
      onChange={(e) => setText(e.target.value)}
      onKeyDown={(e) => {
        e.stopPropagation();
        if (e.key === 'Enter') {
          e.preventDefault();
          void finish(true);
        } else if (e.key === 'Escape') {
          e.preventDefault();
          void finish(false);
        }
      }}
      onBlur={() => void finish(true)}
    />
  );
}

/** First start: "Found 4 sites in FileZilla. Import them?", once, while the list is empty. */
function ImportOffer({ empty }: { empty: boolean }) {
  const offer = useImport((s) => s.offer);
  useEffect(() => {
    if (empty) void importer.getState().checkOffer();
  }, [empty]);
  if (!offer || !empty) return null;
  return (
    <section className="import-offer" aria-labelledby="import-offer-text" data-testid="import-offer">
      <p id="import-offer-text">{offer.text}</p>
      <div className="buttons">
        <button type="button" className="small primary" onClick={() => importer.getState().acceptOffer()}>
          Review and import…
        </button>
        <button type="button" className="small" onClick={() => importer.getState().dismissOffer()}>
          Not now
        </button>
      </div>
    </section>
  );
}

export function SiteList() {
  const sites = useSites((s) => s.sites);
  const loaded = useSites((s) => s.loaded);
  const error = useSites((s) => s.error);
  const status = useSites((s) => s.status);
  const selectedId = useSites((s) => s.selectedId);
  const collapsed = useSites((s) => s.collapsed);
  const [focusKey, setFocusKey] = useState<string | null>(null);
  const [renaming, setRenaming] = useState<string | null>(null);
  const treeRef = useRef<HTMLUListElement>(null);

  const rows = useMemo(() => flatten(buildTree(sites), collapsed, 1, []), [sites, collapsed]);
  const activeKey = rows.some((r) => r.key === focusKey) ? focusKey : selectedId && rows.some((r) => r.key === `s:${selectedId}`) ? `s:${selectedId}` : (rows[0]?.key ?? null);
  const selected = sites.find((s) => s.id === selectedId) ?? null;
  const st = sitesStore.getState();
  // The folder "Check folder" checks: the focused folder, else the selected site's folder.
  const activeRow = rows.find((r) => r.key === activeKey);
  const checkFolder = activeRow?.kind === 'folder' ? activeRow.node.path : (selected?.folder ?? '');
  const checkAll = () => void check.store.getState().start({}, `all ${sites.length} saved sites`);
  const checkThisFolder = () => void check.store.getState().start({ folder: checkFolder }, `the folder “${checkFolder}”`);

  const moveFocus = useRef(false);
  const [refocus, setRefocus] = useState(0);
  useEffect(() => {
    if (!moveFocus.current || !activeKey) return;
    moveFocus.current = false;
    treeRef.current?.querySelector<HTMLElement>(`[data-key="${CSS.escape(activeKey)}"]`)?.focus();
  }, [activeKey, refocus]);
  const endRename = () => {
    setRenaming(null);
    moveFocus.current = true;
    setRefocus((n) => n + 1);
  };
  const focusRow = (key: string) => {
    moveFocus.current = true;
    setFocusKey(key);
  };

  const onKeyDown = (e: KeyboardEvent<HTMLUListElement>) => {
    const i = rows.findIndex((r) => r.key === activeKey);
    const row = rows[i];
    if (!row) return;
    const move = (to: number) => {
      const target = rows[Math.max(0, Math.min(rows.length - 1, to))];
      if (target) {
        focusRow(target.key);
        if (target.kind === 'site') st.select(target.site.id);
      }
    };
    switch (e.key) {
      case 'ArrowDown':
        move(i + 1);
        break;
      case 'ArrowUp':
        move(i - 1);
        break;
      case 'Home':
        move(0);
        break;
      case 'End':
        move(rows.length - 1);
        break;
      case 'ArrowRight':
        if (row.kind === 'folder' && !row.expanded) st.toggleFolder(row.node.path);
        else move(i + 1);
        break;
      case 'ArrowLeft':
        if (row.kind === 'folder' && row.expanded) st.toggleFolder(row.node.path);
        else {
          const parent = rows.slice(0, i).reverse().find((r) => r.kind === 'folder' && r.level < row.level);
          if (parent) focusRow(parent.key);
        }
        break;
      case 'Enter':
        // Like WinSCP's login dialog: Enter on a site logs in.
        if (row.kind === 'folder') st.toggleFolder(row.node.path);
        else connectSite(row.site.id);
        break;
      case ' ':
        if (row.kind === 'folder') st.toggleFolder(row.node.path);
        else st.select(row.site.id);
        break;
      case 'F2':
        if (row.kind === 'site') setRenaming(row.site.id);
        break;
      case 'Delete':
        if (row.kind === 'site') st.remove(row.site.id);
        break;
      default:
        return;
    }
    e.preventDefault();
  };

  return (
    <div className="site-list">
      <h2 className="pane-title" id="sites-title">
        Saved sites
      </h2>
      {!loaded && <p className="muted">Loading…</p>}
      {loaded && sites.length === 0 && !error && <p className="muted">No saved sites yet. Fill in the form and press Save, or use Import sites… to bring them in from another tool.</p>}
      <ImportOffer empty={loaded && sites.length === 0 && !error} />
      {rows.length > 0 && (
        <ul className="tree" role="tree" aria-labelledby="sites-title" ref={treeRef} onKeyDown={onKeyDown}>
          {rows.map((row) =>
            row.kind === 'folder' ? (
              <li
                key={row.key}
                data-key={row.key}
                role="treeitem"
                aria-level={row.level}
                aria-expanded={row.expanded}
                aria-selected={false}
                tabIndex={row.key === activeKey ? 0 : -1}
                className="tree-item tree-folder"
                onClick={() => {
                  setFocusKey(row.key);
                  st.toggleFolder(row.node.path);
                }}
              >
                <span aria-hidden="true" className="tree-twisty">
                  {row.expanded ? '▾' : '▸'}
                </span>
                {shownName(row.node.name)}
              </li>
            ) : (
              <li
                key={row.key}
                data-key={row.key}
                role="treeitem"
                aria-level={row.level}
                aria-selected={row.site.id === selectedId}
                tabIndex={row.key === activeKey ? 0 : -1}
                className={`tree-item tree-site${row.site.id === selectedId ? ' selected' : ''}`}
                title={shownName(`${row.site.settings.user ? `${row.site.settings.user}@` : ''}${row.site.settings.host}`)}
                onClick={() => {
                  setFocusKey(row.key);
                  st.select(row.site.id);
                }}
                onDoubleClick={() => renaming !== row.site.id && connectSite(row.site.id)}
                aria-keyshortcuts="Enter F2"
              >
                {renaming === row.site.id ? (
                  <RenameInput site={row.site} onDone={endRename} />
                ) : (
                  <>
                    {shownName(row.site.name)}
                  </>
                )}
              </li>
            ),
          )}
        </ul>
      )}
      <div className="buttons site-buttons">
        <button type="button" onClick={() => st.newSite()}>
          New Site
        </button>
        <button type="button" id={IMPORT_BUTTON_ID} onClick={() => importer.getState().show()} aria-haspopup="dialog">
          Import sites…
        </button>
        <button type="button" disabled={!selected} onClick={() => selected && setRenaming(selected.id)} aria-keyshortcuts="F2">
          Rename
        </button>
        <button type="button" disabled={!selected} onClick={() => selected && void st.duplicate(selected.id)}>
          Duplicate
        </button>
        <button type="button" disabled={!selected} onClick={() => selected && st.remove(selected.id)} aria-keyshortcuts="Delete">
          Delete
        </button>
      </div>
      {sites.length > 0 && (
        <div className="buttons site-buttons">
          <button type="button" onClick={checkAll} aria-haspopup="dialog" data-testid="check-all">
            Check all
          </button>
          {checkFolder && (
            <button type="button" onClick={checkThisFolder} aria-haspopup="dialog" data-testid="check-folder">
              Check folder “{checkFolder}”
            </button>
          )}
          <LastCheckButton />
        </div>
      )}
      <div aria-live="polite" className="site-status">
        {error && <p className="note note-fail">{error}</p>}
        {!error && status && <p className="note">{status}</p>}
      </div>
    </div>
  );
}

/** Reopens the last check's table (after a row was opened). */
function LastCheckButton() {
  const open = useCheck((s) => s.open);
  const has = useCheck((s) => s.rows.length > 0);
  if (open || !has) return null;
  return (
    <button type="button" onClick={() => check.store.getState().show()} aria-haspopup="dialog">
      Last check results
    </button>
  );
}

export function UndoToast() {
  const pending = useSites((s) => s.pendingDelete);
  if (!pending) return null;
  return (
    <div className="toast" role="status">
      <span>Deleted “{shownName(pending.name)}”.</span>
      <button type="button" className="small" onClick={() => sitesStore.getState().undoDelete()}>
        Undo
      </button>
    </div>
  );
}
