/** Shows what the support bundle will contain, then saves it. */
import { useEffect, useRef } from 'react';
import { bundle as bundleStore, useBundle } from '../stores/bundleStore';
import { Dialog } from './Dialog';
import { downloadBytes } from './download';

function kb(bytes: number): string {
  return bytes < 1024 ? `${bytes} bytes` : `${(bytes / 1024).toFixed(1)} KB`;
}

export function BundleDialog() {
  const open = useBundle((s) => s.open);
  const anonymise = useBundle((s) => s.anonymise);
  const preview = useBundle((s) => s.preview);
  const previewing = useBundle((s) => s.previewing);
  const exporting = useBundle((s) => s.exporting);
  const exported = useBundle((s) => s.exported);
  const error = useBundle((s) => s.error);
  const downloaded = useRef<string | null>(null);
  const b = bundleStore.getState();

  // The browser host gets the zip back as data: hand it to the browser's download once.
  useEffect(() => {
    if (exported?.base64 && downloaded.current !== exported.base64) {
      downloaded.current = exported.base64;
      downloadBytes(exported.fileName, exported.base64, 'application/zip');
    }
  }, [exported]);

  if (!open) return null;
  return (
    <Dialog title="Export support bundle" onCancel={() => b.close()} initialFocus="#bundle-export" testId="bundle-dialog" className="bundle-dialog">
      <p>
        One .zip file to send to the server’s admin or your help desk: the diagnosis, the steps with timings, the evidence and the log of the last attempt. Passwords, passphrases and private keys
        are never in it.
      </p>
      <div className="check">
        <input id="bundle-anon" type="checkbox" checked={anonymise} onChange={(e) => b.setAnonymise(e.target.checked)} aria-describedby="bundle-anon-help" />
        <label htmlFor="bundle-anon">Anonymise</label>
      </div>
      <p id="bundle-anon-help" className="note muted">
        Replaces host names, user names, IP addresses and home folders with placeholders. Leave it off when the admin needs to know which server it was.
      </p>
      <div aria-live="polite">
        {previewing && <p className="muted">Preparing the preview…</p>}
        {error && (
          <p className="note note-fail" role="alert">
            {error}
          </p>
        )}
      </div>
      {preview && (
        <section aria-labelledby="bundle-files-title">
          <h3 id="bundle-files-title" className="dialog-subtitle">
            What goes in ({preview.length} files)
          </h3>
          <ul className="bundle-files">
            {preview.map((f) => (
              <li key={f.name}>
                <details>
                  <summary>
                    <span className="mono">{f.name}</span> <span className="muted">({kb(f.bytes)})</span>
                  </summary>
                  <pre className="log mono" tabIndex={0} aria-label={`Contents of ${f.name}`}>
                    {f.text}
                  </pre>
                </details>
              </li>
            ))}
          </ul>
        </section>
      )}
      <div aria-live="polite">
        {exported && (
          <p className="note note-ok" data-testid="bundle-saved">
            {exported.savedTo ? (
              <>
                Saved to <span className="mono">{exported.savedTo}</span> ({kb(exported.bytes)}). Send this file to the admin.
              </>
            ) : (
              <>
                Your browser saved <span className="mono">{exported.fileName}</span> ({kb(exported.bytes)}) to its downloads folder. Send this file to the admin.
              </>
            )}
          </p>
        )}
      </div>
      <div className="buttons dialog-buttons">
        <span className="spacer" />
        <button type="button" onClick={() => b.close()}>
          Close
        </button>
        <button id="bundle-export" type="button" className="primary" disabled={exporting} onClick={() => void b.exportBundle()}>
          {exporting ? 'Saving…' : 'Save bundle'}
        </button>
      </div>
    </Dialog>
  );
}
