/**
 * The Advanced panel's path sections, like WinSCP's Proxy and Tunnel pages: "Connection: proxy"
 * (SOCKS5 or HTTP CONNECT) and "Tunnel: jump host" (OpenSSH's ProxyJump). Plain labelled fields in
 * tab order; problems are said under the field and tied to it with aria-describedby.
 */
import { DEFAULT_PROXY_PORTS } from '../../shared/path';
import { jumpHostsProblem, proxyProblem, type FormValues } from '../logic/form';
import { form as formStore, useForm } from '../stores/formStore';

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
        <div className="field grow">
          <label htmlFor="f-proxy-host">Proxy host</label>
          <input
            id="f-proxy-host"
            type="text"
            spellCheck={false}
            autoComplete="off"
            disabled={off}
            value={v.proxyHost}
            aria-invalid={problem !== null && !v.proxyHost.trim() ? true : undefined}
            aria-describedby={problem ? 'f-proxy-problem' : undefined}
            onChange={(e) => f.setText('proxyHost', e.target.value)}
          />
        </div>
        <div className="field">
          <label htmlFor="f-proxy-port">Proxy port</label>
          <input
            id="f-proxy-port"
            type="text"
            inputMode="numeric"
            disabled={off}
            placeholder={v.proxyType ? String(DEFAULT_PROXY_PORTS[v.proxyType]) : ''}
            value={v.proxyPort}
            aria-describedby={problem ? 'f-proxy-problem' : undefined}
            onChange={(e) => f.setText('proxyPort', e.target.value)}
          />
        </div>
      </div>
      <div className="row">
        <div className="field grow">
          <label htmlFor="f-proxy-user">Proxy user name</label>
          <input id="f-proxy-user" type="text" spellCheck={false} autoComplete="off" disabled={off} placeholder="none" value={v.proxyUser} onChange={(e) => f.setText('proxyUser', e.target.value)} />
        </div>
        <div className="field grow">
          <label htmlFor="f-proxy-password">Proxy password</label>
          <input
            id="f-proxy-password"
            type="password"
            autoComplete="off"
            disabled={off || !v.proxyUser.trim()}
            value={v.proxyPassword}
            aria-describedby="f-proxy-password-help"
            onChange={(e) => f.setText('proxyPassword', e.target.value)}
          />
        </div>
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
      <div className="field">
        <label htmlFor="f-jump-hosts">Jump host</label>
        <input
          id="f-jump-hosts"
          type="text"
          className="mono"
          spellCheck={false}
          autoComplete="off"
          placeholder="none — e.g. alice@bastion.example.com:22"
          value={v.jumpHosts}
          aria-invalid={problem ? true : undefined}
          aria-describedby={`f-jump-help${problem ? ' f-jump-problem' : ''}`}
          onChange={(e) => f.setText('jumpHosts', e.target.value)}
        />
        <p id="f-jump-help" className="note muted">
          The SSH server to log in to first, which then connects on to this server (OpenSSH&apos;s ProxyJump, WinSCP&apos;s Tunnel). As [user@]host[:port]; several separated by commas, the first one first. Without a user name, the user above is used.
        </p>
        {problem && (
          <p id="f-jump-problem" className="field-error" role="status">
            {problem}
          </p>
        )}
      </div>
      <div className="field">
        <label htmlFor="f-jump-password">Jump host password</label>
        <input
          id="f-jump-password"
          type="password"
          autoComplete="off"
          disabled={none}
          placeholder="same key or agent as above"
          value={v.jumpPassword}
          aria-describedby="f-jump-password-help"
          onChange={(e) => f.setText('jumpPassword', e.target.value)}
        />
        <p id="f-jump-password-help" className="note muted">
          Empty: the jump host is logged in to with the key or agent chosen above. Never saved with the site.
        </p>
      </div>
    </fieldset>
  );
}
