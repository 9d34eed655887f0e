/** "Save session as site": name, folder, and (where it can be encrypted) the password. */
import { useMemo, useState } from 'react';
import { defaultSiteName } from '../logic/form';
import { folderPaths, shownName, typedOrStored } from '../logic/sites';
import { useApp } from '../stores/appStore';
import { form as formStore } from '../stores/formStore';
import { sites as sitesStore, useSites } from '../stores/sitesStore';
import { Dialog } from './Dialog';

export function SaveSiteDialog({ onClose }: { onClose(): void }) {
  const canSavePasswords = useApp((s) => s.info?.canSavePasswords ?? false);
  const unavailable = useApp((s) => s.info?.savePasswordsUnavailable);
  const all = useSites((s) => s.sites);
  const f = formStore.getState();
  const current = all.find((s) => s.id === f.siteId) ?? null;
  // A saved name shows made visible; left as shown, it is saved with its stored bytes.
  const [name, setName] = useState(current ? shownName(current.name) : defaultSiteName(f.values));
  const [folder, setFolder] = useState(current ? shownName(current.folder) : '');
  const [savePassword, setSavePassword] = useState(current?.hasSavedPassword ?? false);
  const [asNew, setAsNew] = useState(current === null);
  const [busy, setBusy] = useState(false);
  const folders = useMemo(() => folderPaths(all), [all]);
  const keyNotSaved = f.values.key?.source === 'content';

  const save = async () => {
    setBusy(true);
    const ok = await sitesStore.getState().saveCurrent({ name: typedOrStored(name, current?.name), folder: typedOrStored(folder, current?.folder), savePassword: canSavePasswords && savePassword, asNew });
    setBusy(false);
    if (ok) onClose();
  };

  return (
    <Dialog title="Save site" onCancel={onClose} initialFocus="#save-name" testId="save-site-dialog">
      <form
        onSubmit={(e) => {
          e.preventDefault();
          e.stopPropagation();
          void save();
        }}
      >
        <div className="field">
          <label htmlFor="save-name">Site name</label>
          <input id="save-name" type="text" value={name} onChange={(e) => setName(e.target.value)} required />
        </div>
        <div className="field">
          <label htmlFor="save-folder">Folder</label>
          <input id="save-folder" type="text" list="save-folder-list" value={folder} placeholder="(top level)" onChange={(e) => setFolder(e.target.value)} aria-describedby="save-folder-help" />
          <datalist id="save-folder-list">
            {folders.map((p) => (
              <option key={p} value={p} />
            ))}
          </datalist>
          <p id="save-folder-help" className="note muted">
            Use / for sub-folders, e.g. Work/Clients.
          </p>
        </div>
        <div className="check">
          <input id="save-password" type="checkbox" checked={canSavePasswords && savePassword} disabled={!canSavePasswords} onChange={(e) => setSavePassword(e.target.checked)} aria-describedby="save-password-help" />
          <label htmlFor="save-password">Save password</label>
        </div>
        <p id="save-password-help" className="note muted">
          {canSavePasswords
            ? 'The password is encrypted with this computer’s keychain. Leave this off on shared computers.'
            : (unavailable ?? 'Passwords cannot be encrypted here (no system keychain, or the browser window), so the password is not saved. You will type it when you connect.')}
        </p>
        {keyNotSaved && <p className="note note-warn">The loaded private key is not stored with the site. Type the key’s file path in the form instead to keep it.</p>}
        {current && (
          <div className="check">
            <input id="save-as-new" type="checkbox" checked={asNew} onChange={(e) => setAsNew(e.target.checked)} />
            <label htmlFor="save-as-new">Save as a new site (keep “{shownName(current.name)}” as it is)</label>
          </div>
        )}
        <div className="buttons dialog-buttons">
          <span className="spacer" />
          <button type="button" onClick={onClose}>
            Cancel
          </button>
          <button type="submit" className="primary" disabled={busy || !name.trim()}>
            Save
          </button>
        </div>
      </form>
    </Dialog>
  );
}
