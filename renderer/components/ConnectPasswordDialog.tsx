/** The password a saved site needs, asked at Connect (with "remember" where the keychain can keep it). */
import { useState, type KeyboardEvent } from 'react';
import { capsLockFrom } from '../logic/form';
import { connect, connectWithPassword } from '../stores/actions';
import { useApp } from '../stores/appStore';
import { connectAsk, useConnectAsk } from '../stores/connectStore';
import { Dialog } from './Dialog';

function Ask({ name }: { name: string }) {
  const canSave = useApp((s) => s.info?.canSavePasswords ?? false);
  const unavailable = useApp((s) => s.info?.savePasswordsUnavailable);
  const [password, setPassword] = useState('');
  const [remember, setRemember] = useState(false);
  const [caps, setCaps] = useState<boolean | null>(null);
  const [error, setError] = useState<string | null>(null);
  const trackCaps = (e: KeyboardEvent<HTMLInputElement>) => setCaps(capsLockFrom(e.nativeEvent));
  const close = () => connectAsk.getState().close();
  return (
    <Dialog title={`Password for “${name}”`} onCancel={close} initialFocus="#ask-password" testId="connect-password">
      <form
        onSubmit={(e) => {
          e.preventDefault();
          e.stopPropagation();
          void connectWithPassword(password, canSave && remember).then(setError);
        }}
      >
        <div className="field">
          <label htmlFor="ask-password">Password</label>
          <input id="ask-password" type="password" value={password} autoComplete="off" spellCheck={false} onKeyDown={trackCaps} onKeyUp={trackCaps} onChange={(e) => setPassword(e.target.value)} />
        </div>
        <div className="check">
          <input id="ask-remember" type="checkbox" checked={canSave && remember} disabled={!canSave} onChange={(e) => setRemember(e.target.checked)} aria-describedby="ask-remember-help" />
          <label htmlFor="ask-remember">Remember the password</label>
        </div>
        <p id="ask-remember-help" className="note muted">
          {canSave ? 'Kept encrypted with this computer’s keychain, for this site only.' : (unavailable ?? 'Not available here: passwords can only be kept where the system keychain is (the desktop app).')}
        </p>
        <div aria-live="polite">
          {caps && <p className="note note-warn">Caps Lock is on.</p>}
          {error && <p className="note note-fail">{error}</p>}
        </div>
        <div className="buttons dialog-buttons">
          <button
            type="button"
            onClick={() => {
              close();
              connect({ askPassword: false });
            }}
          >
            Connect without a password
          </button>
          <span className="spacer" />
          <button type="button" onClick={close}>
            Cancel
          </button>
          <button type="submit" className="primary">
            Connect
          </button>
        </div>
      </form>
    </Dialog>
  );
}

export function ConnectPasswordDialog() {
  const askingFor = useConnectAsk((s) => s.askingFor);
  return askingFor ? <Ask key={askingFor.siteId} name={askingFor.name} /> : null;
}
