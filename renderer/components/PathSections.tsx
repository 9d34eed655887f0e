/**
 * The Advanced panel's path sections, like WinSCP's Proxy and Tunnel pages: "Connection: proxy"
 * (SOCKS5 or HTTP CONNECT) and "Tunnel: jump host" (OpenSSH's ProxyJump). Plain labelled fields in
 * tab order; problems are said under the field and tied to it with aria-describedby.
 */
import { DEFAULT_PROXY_PORTS } from '../../shared/path';
import { jumpHostsProblem, proxyProblem, type FormValues } from '../logic/form';
import { form as formStore, useForm } from '../stores/formStore';
import { TextField } from './TextField';

export function ProxySection() {
  const v = useForm((s) => s.values);
  const f = formStore.getState();
  const problem = proxyProblem(v);
  const off = v.proxyType === '';
  return (
    <fieldset className="adv-group path-section" aria-describedby="f-proxy-help">
      <legend>Connection: proxy</legend>
      <p id="f-proxy-help" className="note muted">
        For networks that only reach the internet through a proxy. The proxy connects to the server (or to the jump host below) and looks up its name.
      </p>
      <div className="row">
        <div className="field">
          <label htmlFor="f-proxy-type">Proxy type</label>
          <select id="f-proxy-type" value={v.proxyType} onChange={(e) => f.setProxyType(e.target.value as FormValues['proxyType'])}>
            <option value="">None</option>
            <option value="socks5">SOCKS5</option>
            <option value="http">HTTP (CONNECT)</option>
          </select>
        </div>
        <TextField
          id="f-proxy-host"
          label="Proxy host"
          grow
          disabled={off}
          value={v.proxyHost}
          invalid={problem !== null && !v.proxyHost.trim()}
          describedBy={problem ? 'f-proxy-problem' : undefined}
          onChange={(t) => f.setText('proxyHost', t)}
        />
        <TextField
          id="f-proxy-port"
          label="Proxy port"
          inputMode="numeric"
          disabled={off}
          placeholder={v.proxyType ? String(DEFAULT_PROXY_PORTS[v.proxyType]) : ''}
          value={v.proxyPort}
          describedBy={problem ? 'f-proxy-problem' : undefined}
          onChange={(t) => f.setText('proxyPort', t)}
        />
      </div>
      <div className="row">
        <TextField id="f-proxy-user" label="Proxy user name" grow disabled={off} placeholder="none" value={v.proxyUser} onChange={(t) => f.setText('proxyUser', t)} />
        <TextField
          id="f-proxy-password"
          label="Proxy password"
          type="password"
          grow
          disabled={off || !v.proxyUser.trim()}
          value={v.proxyPassword}
          describedBy="f-proxy-password-help"
          onChange={(t) => f.setText('proxyPassword', t)}
        />
      </div>
      <p id="f-proxy-password-help" className="note muted">
        Used for this check only; never saved with the site.
      </p>
      {problem && (
        <p id="f-proxy-problem" className="field-error" role="status">
          {problem}
        </p>
      )}
    </fieldset>
  );
}

export function JumpHostSection() {
  const v = useForm((s) => s.values);
  const f = formStore.getState();
  const problem = jumpHostsProblem(v.jumpHosts);
  const none = v.jumpHosts.trim() === '';
  return (
    <fieldset className="adv-group path-section">
      <legend>Tunnel: jump host</legend>
      <TextField
        id="f-jump-hosts"
        label="Jump host"
        mono
        placeholder="none — e.g. alice@bastion.example.com:22"
        value={v.jumpHosts}
        invalid={problem !== null}
        describedBy={`f-jump-help${problem ? ' f-jump-problem' : ''}`}
        onChange={(t) => f.setText('jumpHosts', t)}
      >
        <p id="f-jump-help" className="note muted">
          The SSH server to log in to first, which then connects on to this server (OpenSSH&apos;s ProxyJump, WinSCP&apos;s Tunnel). As [user@]host[:port]; several separated by commas, the first one first. Without a user name, the user above is used.
        </p>
        {problem && (
          <p id="f-jump-problem" className="field-error" role="status">
            {problem}
          </p>
        )}
      </TextField>
      <TextField
        id="f-jump-password"
        label="Jump host password"
        type="password"
        disabled={none}
        placeholder="same key or agent as above"
        value={v.jumpPassword}
        describedBy="f-jump-password-help"
        onChange={(t) => f.setText('jumpPassword', t)}
      >
        <p id="f-jump-password-help" className="note muted">
          Empty: the jump host is logged in to with the key or agent chosen above. Never saved with the site.
        </p>
      </TextField>
    </fieldset>
  );
}
