/**
 * Advanced site settings, grouped and named as in WinSCP's advanced site settings where they exist:
 * connection timeout and keepalives, remote directory, write test and stay-connected check, agent
 * use, preferred (weak) algorithms, known-hosts file.
 */
import { useState } from 'react';
import { RSA_SIGNATURES, type LoginMethod, type RsaSignature } from '../../shared/types';
import { timeoutProblem, usesAuthMethod } from '../logic/form';
import { useApp } from '../stores/appStore';
import { form as formStore, useForm } from '../stores/formStore';
import { JumpHostSection, ProxySection } from './PathSections';
import { TextField } from './TextField';

/** Weak algorithms the engine (ssh2) can enable per site, by category. */
export const LEGACY_ALGORITHMS: { group: string; names: string[] }[] = [
  { group: 'Key exchange', names: ['diffie-hellman-group14-sha1', 'diffie-hellman-group-exchange-sha1', 'diffie-hellman-group1-sha1'] },
  { group: 'Server host key', names: ['ssh-dss'] },
  { group: 'Ciphers', names: ['aes128-cbc', 'aes192-cbc', 'aes256-cbc', '3des-cbc'] },
  { group: 'MACs', names: ['hmac-sha1-96', 'hmac-md5', 'hmac-md5-96', 'hmac-ripemd160'] },
];
/** WinSCP's Authentication page: which login methods this site's program uses (all, by default). */
const AUTH_METHOD_BOXES: { method: LoginMethod; label: string }[] = [
  { method: 'publickey', label: 'Attempt authentication with a key' },
  { method: 'keyboard-interactive', label: 'Attempt keyboard-interactive authentication' },
  { method: 'password', label: 'Attempt password authentication' },
];

const KNOWN = new Set(LEGACY_ALGORITHMS.flatMap((g) => g.names));

export function AdvancedPanel() {
  const v = useForm((s) => s.values);
  const f = formStore.getState();
  const browser = useApp((s) => s.info?.host === 'browser');
  const others = v.legacyAlgorithms.filter((a) => !KNOWN.has(a));
  const [otherText, setOtherText] = useState(others.join(', '));

  const toggle = (name: string, on: boolean) => f.setLegacy(on ? [...v.legacyAlgorithms, name] : v.legacyAlgorithms.filter((a) => a !== name));
  const setOthers = (text: string) => {
    setOtherText(text);
    const typed = text
      .split(/[\s,]+/)
      .map((t) => t.trim())
      .filter(Boolean)
      .slice(0, 32);
    f.setLegacy([...v.legacyAlgorithms.filter((a) => KNOWN.has(a)), ...typed]);
  };

  const timeoutMsg = timeoutProblem(v.timeoutSeconds);

  return (
    <section id="advanced-panel" className="advanced" aria-label="Advanced settings">
      <fieldset className="adv-group">
        <legend>Connection</legend>
        <div className="row">
          <TextField
            id="f-timeout"
            label="Connection timeout (seconds)"
            inputMode="decimal"
            placeholder="10"
            value={v.timeoutSeconds}
            invalid={timeoutMsg !== null}
            describedBy="f-timeout-help"
            onChange={(t) => f.setText('timeoutSeconds', t)}
          />
          <TextField id="f-keepalive" label="Seconds between keepalives" inputMode="numeric" placeholder="off" value={v.keepaliveSeconds} describedBy="f-keepalive-help" onChange={(t) => f.setText('keepaliveSeconds', t)} />
        </div>
        <div id="f-timeout-help" aria-live="polite">
          {timeoutMsg ? <p className="note note-fail">{timeoutMsg}</p> : <p className="note muted">How long the whole check may take before SFTP Doctor gives up. Empty: 10 seconds.</p>}
        </div>
        <p id="f-keepalive-help" className="note muted">
          Sends a small message this often so that firewalls do not drop an idle connection. Empty: off.
        </p>
      </fieldset>

      <fieldset className="adv-group">
        <legend>Directories</legend>
        <TextField id="f-startpath" label="Remote directory" placeholder="home folder" value={v.startPath} describedBy="f-startpath-help" onChange={(t) => f.setText('startPath', t)}>
          <p id="f-startpath-help" className="note muted">
            The folder to open and list once logged in. Empty: your home folder.
          </p>
        </TextField>
      </fieldset>

      <fieldset className="adv-group">
        <legend>After logging in</legend>
        <div className="check">
          <input id="f-write-test" type="checkbox" checked={v.writeTest} aria-describedby="f-write-test-help" onChange={(e) => f.setBool('writeTest', e.target.checked)} />
          <label htmlFor="f-write-test">Check that uploading works (write a small test file, then remove it)</label>
        </div>
        <p id="f-write-test-help" className="note muted">
          Untick for read-only accounts: the result then says that uploading was not checked.
        </p>
        <TextField id="f-hold" label="Stay connected for (seconds)" inputMode="numeric" placeholder="no" value={v.holdSeconds} describedBy="f-hold-help" onChange={(t) => f.setText('holdSeconds', t)} />
        <p id="f-hold-help" className="note muted">
          After connecting, stay idle this long and check the connection survived (finds routers that drop idle connections). Empty: no.
        </p>
      </fieldset>

      <fieldset className="adv-group">
        <legend>Authentication</legend>
        <div className="check">
          <input id="f-agent" type="checkbox" checked={v.useAgent} onChange={(e) => f.setBool('useAgent', e.target.checked)} />
          <label htmlFor="f-agent">Attempt authentication using an SSH agent (Pageant, ssh-agent)</label>
        </div>
        <div className="check">
          <input id="f-only-key" type="checkbox" checked={v.identitiesOnly} onChange={(e) => f.setBool('identitiesOnly', e.target.checked)} />
          <label htmlFor="f-only-key">Only try the private key chosen above</label>
        </div>
        {AUTH_METHOD_BOXES.map((b) => (
          <div className="check" key={b.method}>
            <input id={`f-auth-${b.method}`} type="checkbox" checked={usesAuthMethod(v, b.method)} onChange={(e) => f.setAuthMethod(b.method, e.target.checked)} />
            <label htmlFor={`f-auth-${b.method}`}>{b.label}</label>
          </div>
        ))}
        <div className="field">
          <label htmlFor="f-rsa-signature">RSA key signature</label>
          <select id="f-rsa-signature" value={v.rsaSignature} aria-describedby="f-rsa-signature-help" onChange={(e) => f.setRsaSignature((RSA_SIGNATURES as readonly string[]).includes(e.target.value) ? (e.target.value as RsaSignature) : '')}>
            <option value="">Automatic (from the server&apos;s list)</option>
            {RSA_SIGNATURES.map((a) => (
              <option key={a} value={a}>
                {a === 'ssh-rsa' ? 'ssh-rsa (SHA-1, old)' : a}
              </option>
            ))}
          </select>
          <p id="f-rsa-signature-help" className="note muted">
            Only for RSA keys, when a server refuses the automatic choice; the diagnosis tells you which one it takes.
          </p>
        </div>
      </fieldset>

      <fieldset className="adv-group legacy">
        <legend>Preferred algorithms: weak ones this site may use</legend>
        <p className="note muted">Old methods that are off by default because they are weak. Tick only what an old server needs; the diagnosis tells you which.</p>
        {LEGACY_ALGORITHMS.map((g) => (
          <div key={g.group} className="legacy-group" role="group" aria-label={g.group}>
            <span className="legacy-title" aria-hidden="true">
              {g.group}
            </span>
            {g.names.map((name) => {
              const id = `f-legacy-${name}`;
              return (
                <span key={name} className="check">
                  <input id={id} type="checkbox" checked={v.legacyAlgorithms.includes(name)} onChange={(e) => toggle(name, e.target.checked)} />
                  <label htmlFor={id} className="mono">
                    {name}
                  </label>
                </span>
              );
            })}
          </div>
        ))}
        <div className="field">
          <label htmlFor="f-legacy-other">Other algorithm names</label>
          <input id="f-legacy-other" type="text" className="mono" value={otherText} spellCheck={false} placeholder="comma-separated" onChange={(e) => setOthers(e.target.value)} />
        </div>
      </fieldset>

      <fieldset className="adv-group">
        <legend>Host keys</legend>
        <div className="field">
          <label htmlFor="f-known-hosts">Known hosts file</label>
          <input
            id="f-known-hosts"
            type="text"
            value={v.knownHostsPath}
            spellCheck={false}
            placeholder="SFTP Doctor's own list"
            aria-describedby="f-known-hosts-help"
            readOnly={browser}
            onChange={(e) => f.setText('knownHostsPath', e.target.value)}
          />
          <p id="f-known-hosts-help" className="note muted">
            {browser
              ? 'The browser window names no other file: it uses SFTP Doctor’s own list, or the file a saved site already names. The desktop app and the command line can name another file.'
              : 'Where trusted server keys are kept, in OpenSSH format (for example ~/.ssh/known_hosts). Empty: SFTP Doctor keeps its own.'}
          </p>
        </div>
      </fieldset>
      <ProxySection />
      <JumpHostSection />
    </section>
  );
}
