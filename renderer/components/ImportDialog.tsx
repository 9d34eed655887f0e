/** "Import sites…": choose a tool, preview what it has (with checkboxes), import the chosen sites. */
import { useEffect, useRef } from 'react';
import type { ImportCandidate, ImportPreview, Site } from '../../shared/sites';
import { describeTarget, duplicateName, groupByFolder, hostKeyPlace, hostKeysToTrust, IMPORT_SOURCES, passwordsAreObfuscated, problemPlace, selectedWithPasswords, sourceInfo } from '../logic/importSites';
import { toBase64 } from '../logic/keyFile';
import { useApp } from '../stores/appStore';
import { importer, useImport } from '../stores/importStore';
import { useSites } from '../stores/sitesStore';
import { Dialog } from './Dialog';

export const IMPORT_BUTTON_ID = 'import-sites-button';

export function ImportDialog() {
  const open = useImport((s) => s.open);
  return open ? <OpenImportDialog /> : null;
}

function OpenImportDialog() {
  // Opened from the first-start notice, which is gone once answered: focus then goes to
  // "Import sites…" rather than being lost (the dialog returns it where it came from otherwise).
  useEffect(
    () => () => {
      setTimeout(() => {
        if (document.activeElement === null || document.activeElement === document.body) document.getElementById(IMPORT_BUTTON_ID)?.focus();
      }, 0);
    },
    [],
  );
  return (
    <Dialog title="Import sites" onCancel={() => importer.getState().close()} initialFocus="input[name='import-source']:checked" testId="import-dialog" className="import-dialog">
      <ImportSteps />
    </Dialog>
  );
}

function ImportSteps() {
  const step = useImport((s) => s.step);
  const firstStep = useRef(true);
  const focusTarget = useRef<HTMLDivElement>(null);
  // Moving between the steps replaces the dialog's content: put the focus at the new start.
  useEffect(() => {
    if (firstStep.current) {
      firstStep.current = false;
      return;
    }
    const root = focusTarget.current;
    const target = step === 'preview' ? root?.querySelector<HTMLElement>('#import-summary') : root?.querySelector<HTMLElement>("input[name='import-source']:checked");
    target?.focus();
  }, [step]);
  return <div ref={focusTarget}>{step === 'choose' ? <ChooseSource /> : <PreviewStep />}</div>;
}

function ErrorLine() {
  const error = useImport((s) => s.error);
  return (
    <div aria-live="assertive">
      {error && (
        <p className="note note-fail" role="alert">
          {error}
        </p>
      )}
    </div>
  );
}

/** Largest settings file the browser window sends (the host refuses more). */
const MAX_UPLOAD_BYTES = 2 * 1024 * 1024;

/** In the browser window: the file is chosen here and sent as its bytes (the host reads no typed path). */
function UploadField({ label }: { label: string }) {
  const upload = useImport((s) => s.upload);
  const imp = importer.getState();
  return (
    <div className="field">
      <label htmlFor="import-upload">{label} file (optional)</label>
      <input
        id="import-upload"
        type="file"
        aria-describedby="import-file-help"
        onChange={(e) => {
          const file = e.target.files?.[0];
          if (!file) return imp.setUpload(null);
          if (file.size > MAX_UPLOAD_BYTES) {
            imp.setUpload(null);
            importer.setState({ error: `"${file.name}" is ${Math.round(file.size / 1024)} KB, far too large for a settings file. Choose the settings file itself.` });
            return;
          }
          void file.arrayBuffer().then((buf) => imp.setUpload({ name: file.name, base64: toBase64(new Uint8Array(buf)) }));
        }}
      />
      <p id="import-file-help" className="note muted">
        {upload ? `Chosen: ${upload.name}. ` : ''}
        Choose a file saved or exported from {label}, or leave this empty to read {label}’s usual place on the computer running SFTP Doctor. The file is only read, never changed.
      </p>
    </div>
  );
}

function ChooseSource() {
  const source = useImport((s) => s.source);
  const file = useImport((s) => s.file);
  const loading = useImport((s) => s.loading);
  const browser = useApp((s) => s.info?.host === 'browser');
  const imp = importer.getState();
  const info = sourceInfo(source);
  return (
    <form
      onSubmit={(e) => {
        e.preventDefault();
        e.stopPropagation();
        void imp.loadPreview();
      }}
    >
      <fieldset className="import-sources">
        <legend>Import from</legend>
        {IMPORT_SOURCES.map((s) => (
          <div key={s.source} className="import-source">
            <div className="check">
              <input type="radio" id={`import-src-${s.source}`} name="import-source" value={s.source} checked={source === s.source} onChange={() => imp.setSource(s.source)} aria-describedby={`import-src-${s.source}-where`} />
              <label htmlFor={`import-src-${s.source}`}>{s.label}</label>
            </div>
            <p id={`import-src-${s.source}-where`} className="note muted import-where">
              {s.where}
            </p>
          </div>
        ))}
      </fieldset>
      {browser ? (
        <UploadField label={info.label} />
      ) : (
        <div className="field">
          <label htmlFor="import-file">{info.label} file (optional)</label>
          <input id="import-file" type="text" className="mono" spellCheck={false} autoComplete="off" value={file} placeholder={info.placeholder} onChange={(e) => imp.setFile(e.target.value)} aria-describedby="import-file-help" />
          <p id="import-file-help" className="note muted">
            {info.fileHint} The path is on the computer running SFTP Doctor. The file is only read, never changed.
          </p>
        </div>
      )}
      <ErrorLine />
      <div className="buttons dialog-buttons">
        <span className="spacer" />
        <button type="button" onClick={() => imp.close()}>
          Cancel
        </button>
        <button type="submit" className="primary" disabled={loading} aria-describedby={loading ? 'import-reading' : undefined}>
          {loading ? 'Reading…' : 'Show sites'}
        </button>
        {loading && (
          <span id="import-reading" className="visually-hidden" role="status">
            Reading {info.label}’s settings…
          </span>
        )}
      </div>
    </form>
  );
}

function Candidate({ c, checked, sites }: { c: ImportCandidate; checked: boolean; sites: readonly Site[] }) {
  const id = `import-c-${c.key}`;
  const dup = duplicateName(c, sites);
  const notes = c.site.notes ?? [];
  return (
    <li className={`import-item${checked ? '' : ' import-item-off'}`} data-testid="import-candidate">
      <div className="check">
        <input type="checkbox" id={id} checked={checked} onChange={(e) => importer.getState().toggle(c.key, e.target.checked)} aria-describedby={`${id}-d`} />
        <label htmlFor={id}>{c.site.name}</label>
      </div>
      <div id={`${id}-d`} className="import-detail">
        <span className="mono">{describeTarget(c)}</span>
        {c.duplicateOf !== undefined && <span className="import-tag import-tag-dup">{dup ? `already saved as “${dup}”` : 'already saved'}</span>}
        {c.hasPassword && <span className="import-tag">password found</span>}
        {notes.length > 0 && (
          <ul className="import-notes">
            {notes.map((n, i) => (
              <li key={i}>{n}</li>
            ))}
          </ul>
        )}
      </div>
    </li>
  );
}

function PasswordChoice({ preview, selected }: { preview: ImportPreview; selected: ReadonlySet<string> }) {
  const include = useImport((s) => s.includePasswords);
  const canSave = useApp((s) => s.info?.canSavePasswords ?? false);
  const browser = useApp((s) => s.info?.host === 'browser');
  if (!preview.candidates.some((c) => c.hasPassword)) return null;
  const chosen = selectedWithPasswords(preview, selected);
  const label = sourceInfo(preview.source).label;
  const scrambled = passwordsAreObfuscated(preview.source) ? `${label} only scrambles saved passwords; it does not encrypt them, so anyone who can read its file can read them too. ` : '';
  let help: string;
  if (!canSave) {
    help = browser
      ? `This browser window cannot store passwords (it has no access to the computer’s keychain), so passwords are not imported. You will type each one when you connect; the desktop app can store them. ${scrambled}`
      : `Passwords cannot be stored on this computer (no system keychain is available), so they are not imported. You will type each one when you connect. ${scrambled}`;
    help = help.trim();
  } else if (scrambled) {
    help = `${scrambled}SFTP Doctor keeps what you import encrypted with this computer’s keychain. Leave this off on a shared computer, or to type passwords yourself.`;
  } else {
    help = 'SFTP Doctor keeps imported passwords encrypted with this computer’s keychain. Leave this off to type them yourself when you connect.';
  }
  return (
    <div className="import-passwords">
      <div className="check">
        <input
          type="checkbox"
          id="import-passwords"
          checked={canSave && include && chosen > 0}
          disabled={!canSave || chosen === 0}
          onChange={(e) => importer.getState().setIncludePasswords(e.target.checked)}
          aria-describedby="import-passwords-help"
        />
        <label htmlFor="import-passwords">Also import saved passwords{canSave ? ` (${chosen} of the chosen sites)` : ''}</label>
      </div>
      <p id="import-passwords-help" className={`note ${canSave ? 'muted' : 'note-warn'}`}>
        {help}
      </p>
    </div>
  );
}

function PreviewStep() {
  const preview = useImport((s) => s.preview);
  const selected = useImport((s) => s.selected);
  const importing = useImport((s) => s.importing);
  const sites = useSites((s) => s.sites);
  const canSave = useApp((s) => s.info?.canSavePasswords ?? false);
  const imp = importer.getState();
  if (!preview) return null;
  const label = sourceInfo(preview.source).label;
  const total = preview.candidates.length;
  const count = preview.candidates.filter((c) => selected.has(c.key)).length;
  const trusted = hostKeysToTrust(preview, selected);
  const keys = trusted.length;
  const from = preview.files.length > 0 ? preview.files.join(', ') : label;
  const groups = groupByFolder(preview.candidates);
  const showFolders = groups.some((g) => g.folder !== '');
  return (
    <form
      onSubmit={(e) => {
        e.preventDefault();
        e.stopPropagation();
        void imp.runImport({ canSavePasswords: canSave });
      }}
    >
      <p id="import-summary" tabIndex={-1} className="import-summary">
        {total === 0 ? `No sites were found in ${label}’s settings.` : `${total === 1 ? '1 site' : `${total} sites`} found in `}
        {total > 0 && <span className="mono">{from}</span>}
        {total > 0 && '. Tick the ones to import.'}
      </p>
      {total === 0 && <p className="note">{preview.problems.length > 0 || (preview.skipped ?? []).length > 0 ? 'See below for why. ' : ''}Press Back to choose another tool or give the file’s path.</p>}
      {total > 0 && (
        <>
          <div className="buttons import-select">
            <span aria-live="polite" className="note">
              {count} of {total} selected
            </span>
            <span className="spacer" />
            <button type="button" className="small" onClick={() => imp.selectAll(true)} disabled={count === total}>
              Select all
            </button>
            <button type="button" className="small" onClick={() => imp.selectAll(false)} disabled={count === 0}>
              Select none
            </button>
          </div>
          <div className="import-list" role="group" aria-label={`Sites in ${label}`}>
            {groups.map((g) =>
              showFolders ? (
                <fieldset key={g.folder} className="import-folder">
                  <legend>{g.folder === '' ? 'Top level' : `Folder: ${g.folder}`}</legend>
                  <ul className="import-items">
                    {g.candidates.map((c) => (
                      <Candidate key={c.key} c={c} checked={selected.has(c.key)} sites={sites} />
                    ))}
                  </ul>
                </fieldset>
              ) : (
                <ul key={g.folder} className="import-items">
                  {g.candidates.map((c) => (
                    <Candidate key={c.key} c={c} checked={selected.has(c.key)} sites={sites} />
                  ))}
                </ul>
              ),
            )}
          </div>
        </>
      )}
      {(preview.skipped ?? []).length > 0 && (
        <section aria-labelledby="import-skipped-title" className="import-problems import-skipped">
          <h3 id="import-skipped-title" className="dialog-subtitle">
            {(preview.skipped ?? []).length === 1 ? 'One site is not SFTP and was skipped' : `${(preview.skipped ?? []).length} sites are not SFTP and were skipped`}
          </h3>
          <ul>
            {(preview.skipped ?? []).map((p, i) => (
              <li key={i}>
                <span className="mono">{p.name}</span>: skipped: {p.reason}
              </li>
            ))}
          </ul>
          <p className="note muted">SFTP Doctor checks SFTP and SCP only; these sites stay in {label}.</p>
        </section>
      )}
      {preview.problems.length > 0 && (
        <section aria-labelledby="import-problems-title" className="import-problems">
          <h3 id="import-problems-title" className="dialog-subtitle">
            {preview.problems.length === 1 ? 'One thing could not be read' : `${preview.problems.length} things could not be read`}
          </h3>
          <ul>
            {preview.problems.map((p, i) => (
              <li key={i}>
                {problemPlace(p) && <span className="mono">{problemPlace(p)}: </span>}
                {p.message}
              </li>
            ))}
          </ul>
          {total > 0 && <p className="note muted">The sites above can still be imported. After correcting the file, press Back, then Show sites to read it again.</p>}
        </section>
      )}
      <PasswordChoice preview={preview} selected={selected} />
      {preview.hostKeys.length > 0 && (
        <div className="note import-hostkeys" data-testid="import-hostkeys">
          <p>
            {keys === 0
              ? `The file also has ${preview.hostKeys.length === 1 ? 'a host key' : `${preview.hostKeys.length} host keys`}, but none of the chosen servers’: none will be added.`
              : `${keys === 1 ? 'This server key' : `These ${keys} server keys`} will be added to SFTP Doctor’s known_hosts, each for exactly its server, so ${keys === 1 ? 'it is' : 'they are'} trusted when you connect:`}
          </p>
          {keys > 0 && (
            <ul className="import-hostkey-list" aria-label="Server keys that will be trusted">
              {trusted.map((k) => (
                <li key={`${hostKeyPlace(k)} ${k.sha256}`} className="mono">
                  {hostKeyPlace(k)} {k.type} {k.sha256}
                </li>
              ))}
            </ul>
          )}
        </div>
      )}
      <ErrorLine />
      <div className="buttons dialog-buttons">
        <button type="button" onClick={() => imp.back()}>
          Back
        </button>
        <span className="spacer" />
        <button type="button" onClick={() => imp.close()}>
          Cancel
        </button>
        {total > 0 && (
          <button type="submit" className="primary" disabled={count === 0 || importing}>
            {importing ? 'Importing…' : count === 1 ? 'Import 1 site' : `Import ${count} sites`}
          </button>
        )}
      </div>
    </form>
  );
}
