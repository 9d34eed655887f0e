/** The session form on the right of the login window, in WinSCP's order. Enter connects. */
import { type ClipboardEvent, type DragEvent, type KeyboardEvent, useEffect, useRef, useState } from 'react';
import { capsLockFrom, hostNotes, passwordNotes, PROTOCOLS, portProblem, userNotes, looksLikeKeyText, type FieldNote } from '../logic/form';
import { splitHostInput } from '../../shared/host-input';
import { keyChoiceFromText } from '../logic/keyFile';
import { connect } from '../stores/actions';
import { useApp } from '../stores/appStore';
import { form as formStore, useForm } from '../stores/formStore';
import { keys } from '../stores/keyStore';
import { useRun } from '../stores/runStore';
import { AdvancedPanel } from './AdvancedPanel';
import { SaveSiteDialog } from './SaveSiteDialog';

function Notes({ id, notes }: { id: string; notes: FieldNote[] }) {
  if (!notes.length) return null;
  return (
    <div id={id}>
      {notes.map((n) => (
        <p key={n.id} className={`note ${n.tone === 'warn' ? 'note-warn' : ''}`}>
          {n.text}
        </p>
      ))}
    </div>
  );
}

function KeyField() {
  const key = useForm((s) => s.values.key);
  const keyError = useForm((s) => s.keyError);
  const browser = useApp((s) => s.info?.host === 'browser');
  const fileRef = useRef<HTMLInputElement>(null);
  const f = formStore.getState();
  const loaded = key?.source === 'content';
  const value = key?.source === 'path' ? key.path : loaded ? `${key.name} (loaded, ${key.size} bytes)` : '';

  const onPaste = (e: ClipboardEvent<HTMLInputElement>) => {
    const text = e.clipboardData.getData('text');
    if (looksLikeKeyText(text)) {
      e.preventDefault();
      f.setKey(keyChoiceFromText(text));
    }
  };
  const onDrop = (e: DragEvent<HTMLInputElement>) => {
    const file = e.dataTransfer.files[0];
    if (!file) return;
    e.preventDefault();
    e.stopPropagation();
    void f.loadKeyFile(file);
  };

  return (
    <div className="field">
      <label htmlFor="f-key">Private key file</label>
      <div className="input-with-button">
        <input
          id="f-key"
          type="text"
          value={value}
          readOnly={loaded}
          placeholder={browser ? 'Drop, paste or choose a key file' : 'Path, or drop / paste a key'}
          aria-describedby="f-key-help f-key-note"
          spellCheck={false}
          autoComplete="off"
          onChange={(e) => f.setKey(e.target.value ? { source: 'path', path: e.target.value } : null)}
          onPaste={onPaste}
          onDrop={onDrop}
          onDragOver={(e) => e.preventDefault()}
        />
        <button type="button" onClick={() => fileRef.current?.click()}>
          Browse…
        </button>
        {key && (
          <button type="button" aria-label="Remove the private key" title="Remove the private key" onClick={() => f.setKey(null)}>
            ×
          </button>
        )}
      </div>
      <input
        ref={fileRef}
        type="file"
        className="visually-hidden"
        tabIndex={-1}
        aria-label="Choose a private key file"
        onChange={(e) => {
          const file = e.target.files?.[0];
          if (file) void f.loadKeyFile(file);
          e.target.value = '';
        }}
      />
      <p id="f-key-help" className="note muted">
        Optional. PuTTY (.ppk), OpenSSH and PEM keys all work.{browser ? ' In the browser window, choose or drop the file: a typed path is not read.' : ''}{' '}
        {key && (
          <button type="button" className="link" onClick={() => keys.getState().openWith(key)}>
            Inspect this key
          </button>
        )}
      </p>
      <div id="f-key-note" aria-live="polite">
        {keyError && <p className="note note-fail">{keyError}</p>}
      </div>
    </div>
  );
}

export function SessionForm() {
  const v = useForm((s) => s.values);
  const notice = useForm((s) => s.notice);
  const siteHasPassword = useForm((s) => s.siteHasPassword);
  const siteId = useForm((s) => s.siteId);
  const runState = useRun((s) => s.state);
  const [showPassword, setShowPassword] = useState(false);
  const [capsLock, setCapsLock] = useState<boolean | null>(null);
  const [saving, setSaving] = useState(false);
  const [advanced, setAdvanced] = useState(false);
  const [hostBlurred, setHostBlurred] = useState(false);
  const f = formStore.getState();
  // First start: the cursor is in the Host name field, as in WinSCP.
  useEffect(() => {
    if (document.activeElement === document.body || document.activeElement === null) document.getElementById('f-host')?.focus();
  }, []);

  const busy = runState === 'starting' || runState === 'running';
  const portMsg = portProblem(v.port);
  const pwNotes = passwordNotes(v.password, capsLock);
  const hostSplit = hostBlurred ? splitHostInput(v.host) : null;
  const hostHasMore = hostSplit !== null && (hostSplit.user !== undefined || hostSplit.port !== undefined || hostSplit.protocol !== undefined || hostSplit.startPath !== undefined || hostSplit.note !== undefined);

  const onHostPaste = (e: ClipboardEvent<HTMLInputElement>) => {
    const el = e.currentTarget;
    if (f.pasteHost(e.clipboardData.getData('text'), el.selectionStart ?? 0, el.selectionEnd ?? 0)) e.preventDefault();
  };
  const trackCaps = (e: KeyboardEvent<HTMLInputElement>) => setCapsLock(capsLockFrom(e.nativeEvent));

  return (
    <>
    <form
      className="session-form"
      aria-labelledby="session-title"
      noValidate
      onSubmit={(e) => {
        e.preventDefault();
        if (!busy) connect();
      }}
    >
      <h2 className="pane-title" id="session-title">
        Session{siteId ? '' : ' (new site)'}
      </h2>

      <div className="field field-protocol">
        <label htmlFor="f-protocol">File protocol</label>
        <select id="f-protocol" value={v.protocol} onChange={(e) => f.setProtocol(e.target.value === 'scp' ? 'scp' : 'sftp')}>
          {PROTOCOLS.map((p) => (
            <option key={p.value} value={p.value}>
              {p.label}
            </option>
          ))}
        </select>
      </div>

      <div className="row">
        <div className="field grow">
          <label htmlFor="f-host">Host name</label>
          <input
            id="f-host"
            type="text"
            value={v.host}
            autoComplete="off"
            spellCheck={false}
            autoCapitalize="off"
            placeholder="e.g. files.example.com"
            aria-describedby="f-host-notes"
            data-autofocus
            onChange={(e) => {
              setHostBlurred(false);
              f.setText('host', e.target.value);
            }}
            onPaste={onHostPaste}
            onBlur={() => setHostBlurred(true)}
          />
        </div>
        <div className="field field-port">
          <label htmlFor="f-port">Port number</label>
          <input
            id="f-port"
            type="text"
            inputMode="numeric"
            value={v.port}
            autoComplete="off"
            aria-invalid={portMsg ? true : undefined}
            aria-describedby="f-port-note"
            onChange={(e) => f.setPort(e.target.value)}
            onBlur={() => f.blurPort()}
          />
        </div>
      </div>
      <div id="f-host-notes" aria-live="polite">
        <Notes id="f-host-spaces" notes={hostNotes(v.host)} />
        {hostHasMore && (
          <p className="note note-warn">
            This looks like a full address, not just a host name.{' '}
            <button type="button" className="link" onClick={() => f.pasteHost(v.host, 0, v.host.length)}>
              Split it into the fields
            </button>
          </p>
        )}
      </div>
      <div id="f-port-note" aria-live="polite">
        {portMsg && <p className="note note-fail">{portMsg}</p>}
      </div>

      <div className="row">
        <div className="field grow">
          <label htmlFor="f-user">User name</label>
          <input
            id="f-user"
            type="text"
            value={v.user}
            autoComplete="off"
            spellCheck={false}
            autoCapitalize="off"
            aria-describedby="f-user-notes"
            onChange={(e) => f.setText('user', e.target.value)}
          />
        </div>
        <div className="field grow">
          <label htmlFor="f-password">Password</label>
          <div className="input-with-button">
            <input
              id="f-password"
              type={showPassword ? 'text' : 'password'}
              value={v.password}
              autoComplete="off"
              spellCheck={false}
              placeholder={siteHasPassword ? '(saved password)' : ''}
              aria-describedby="f-password-notes"
              onChange={(e) => f.setText('password', e.target.value)}
              onKeyDown={trackCaps}
              onKeyUp={trackCaps}
              onBlur={() => setCapsLock(null)}
            />
            <button type="button" aria-pressed={showPassword} aria-label="Show password" title={showPassword ? 'Hide password' : 'Show password'} onClick={() => setShowPassword((x) => !x)}>
              {showPassword ? 'Hide' : 'Show'}
            </button>
          </div>
        </div>
      </div>
      <Notes id="f-user-notes" notes={userNotes(v.user)} />
      <div id="f-password-notes" aria-live="polite">
        <Notes id="f-password-notes-list" notes={pwNotes} />
      </div>

      <KeyField />

      <div className="buttons">
        <button type="button" onClick={() => setSaving(true)}>
          Save…
        </button>
        <button type="button" aria-expanded={advanced} aria-controls="advanced-panel" onClick={() => setAdvanced((x) => !x)}>
          Advanced {advanced ? '▴' : '▾'}
        </button>
      </div>
      {advanced && <AdvancedPanel />}

      <div aria-live="polite" className="form-notice">
        {notice && (
          <p className="note banner-info notice">
            {notice}{' '}
            <button type="button" className="link" onClick={() => f.clearNotice()}>
              Dismiss
            </button>
          </p>
        )}
      </div>

      <div className="buttons form-footer">
        <button type="button" onClick={() => keys.getState().showInspector()}>
          Tools…
        </button>
        <span className="spacer" />
        <button type="submit" className="primary" disabled={busy} aria-keyshortcuts="Enter">
          {busy ? 'Connecting…' : 'Connect'}
        </button>
      </div>
    </form>
    {saving && <SaveSiteDialog onClose={() => setSaving(false)} />}
    </>
  );
}
