/** The engine asks whether to trust the server's host key: new vs changed is unmistakable. */
import { useState } from 'react';
import type { PromptRequest } from '../../shared/types';
import { compareFingerprint, groupFingerprint } from '../../shared/fingerprint';
import { run } from '../stores/runStore';
import { Dialog } from './Dialog';

type HostKeyPrompt = Extract<PromptRequest, { kind: 'hostkey' }>;

export function Fingerprint({ value, label }: { value: string; label: string }) {
  const { prefix, groups } = groupFingerprint(value);
  return (
    <span className="fingerprint mono" aria-label={`${label} ${value}`}>
      <span className="fp-prefix">{prefix}</span>
      {groups.map((g, i) => (
        <span key={i} className="fp-group">
          {g}
        </span>
      ))}
    </span>
  );
}

function hostLabel(host: string, port: number): string {
  const h = host.includes(':') ? `[${host}]` : host;
  return port === 22 ? h : `${h}:${port}`;
}

export function HostKeyDialog({ prompt }: { prompt: HostKeyPrompt }) {
  const [pasted, setPasted] = useState('');
  const changed = prompt.status === 'changed';
  const match = compareFingerprint(pasted, prompt.key);
  const answer = (decision: 'trust' | 'once' | 'cancel') => void run.store.getState().answer({ promptId: prompt.promptId, kind: 'hostkey', decision });
  const where = hostLabel(prompt.host, prompt.port);

  return (
    <Dialog
      title={changed ? `Warning: the identity of ${where} has changed` : `First connection to ${where}`}
      tone={changed ? 'danger' : 'normal'}
      onCancel={() => answer('cancel')}
      initialFocus={changed ? '#hk-cancel' : '#hk-paste'}
      describedBy="hk-intro"
      className="hostkey-dialog"
      testId={changed ? 'hostkey-changed' : 'hostkey-new'}
    >
      {changed ? (
        <div id="hk-intro" className="hk-alert" role="alert">
          <p>
            <strong>This server shows a different key than the one recorded for it.</strong> That happens when a server is reinstalled or its keys are replaced, but it is also exactly what an
            attacker between you and the server would cause.
          </p>
          <p>Do not continue unless the server’s admin confirms the new fingerprint below. Paste the fingerprint they send you into the box to compare.</p>
        </div>
      ) : (
        <p id="hk-intro">
          SFTP Doctor has not seen this server before. To be sure you reach the right server and not an impostor, compare its fingerprint with the one the server’s admin gives you (they can
          show it with <code>ssh-keygen -lf /etc/ssh/ssh_host_ed25519_key.pub</code>).
        </p>
      )}

      <dl className="hk-facts">
        <div>
          <dt>Key type</dt>
          <dd className="mono">{prompt.key.type}</dd>
        </div>
        <div>
          <dt>SHA256 fingerprint</dt>
          <dd>
            <Fingerprint value={prompt.key.sha256} label="SHA256 fingerprint" />
          </dd>
        </div>
        <div>
          <dt>MD5 fingerprint</dt>
          <dd>
            <Fingerprint value={prompt.key.md5} label="MD5 fingerprint" />
          </dd>
        </div>
      </dl>

      {changed && prompt.previous.length > 0 && (
        <section className="hk-previous" aria-labelledby="hk-prev-title">
          <h3 id="hk-prev-title" className="dialog-subtitle">
            Key recorded before
          </h3>
          <ul>
            {prompt.previous.map((m, i) => (
              <li key={i}>
                <span className="mono">{m.type}</span> <Fingerprint value={m.sha256} label="Recorded SHA256 fingerprint" />
                <br />
                <span className="muted">
                  in <span className="mono">{m.file}</span>, line {m.line}
                </span>
              </li>
            ))}
          </ul>
        </section>
      )}

      <div className="field">
        <label htmlFor="hk-paste">Fingerprint from the admin (paste to compare)</label>
        <input
          id="hk-paste"
          type="text"
          className="mono"
          value={pasted}
          spellCheck={false}
          autoComplete="off"
          placeholder="SHA256:…  or  MD5 aa:bb:…"
          aria-describedby="hk-compare"
          aria-invalid={match.status === 'mismatch' ? true : undefined}
          onChange={(e) => setPasted(e.target.value)}
        />
        <div id="hk-compare" aria-live="polite" data-testid="hk-compare" data-status={match.status}>
          {match.status === 'match' && <p className="note note-ok compare-result">✓ Matches the {match.kind === 'sha256' ? 'SHA256 fingerprint' : match.kind === 'md5' ? 'MD5 fingerprint' : 'public key'}. This is the key your admin described.</p>}
          {match.status === 'mismatch' && (
            <p className="note note-fail compare-result">✗ Does not match. Do not trust this key: check that you pasted the right fingerprint for this server, then ask the admin.</p>
          )}
          {match.status === 'partial' && <p className="note">So far it matches; keep going.</p>}
          {match.status === 'unreadable' && <p className="note note-warn">That does not look like a fingerprint. It starts with SHA256: or looks like aa:bb:cc:… (MD5).</p>}
        </div>
      </div>

      <div className="buttons dialog-buttons">
        <button type="button" className={changed ? 'danger' : 'primary'} disabled={match.status === 'mismatch'} onClick={() => answer('trust')}>
          {changed ? 'Replace the key and connect' : 'Trust and connect'}
        </button>
        <button type="button" disabled={match.status === 'mismatch'} onClick={() => answer('once')}>
          Connect once
        </button>
        <span className="spacer" />
        <button id="hk-cancel" type="button" onClick={() => answer('cancel')}>
          Cancel
        </button>
      </div>
      <p className="note muted">
        {changed ? 'Replace: the old key is removed from the list and this one is kept. ' : 'Trust: the key is remembered for this server. '}
        Connect once: used for this attempt only.
      </p>
    </Dialog>
  );
}
