import { NO_TOKEN_MESSAGE } from '../api';
import { SERVICE_STOPPED, TOKEN_REFUSED } from '../api/bridge-client';
import { useApp } from '../stores/appStore';

/** Says, loudly and once, when the window cannot reach the SFTP Doctor service. */
export function ServiceBanner() {
  const connection = useApp((s) => s.connection);
  if (connection === 'closed') {
    return (
      <div className="banner banner-error" role="alert" data-testid="service-stopped">
        <strong>Disconnected.</strong> {renderCode(SERVICE_STOPPED)}
      </div>
    );
  }
  if (connection === 'refused') {
    return (
      <div className="banner banner-error" role="alert" data-testid="token-refused">
        <strong>Access key refused.</strong> {renderCode(TOKEN_REFUSED)}
      </div>
    );
  }
  if (connection === 'no-token') {
    return (
      <div className="banner banner-error" role="alert">
        <strong>No access key.</strong> {renderCode(NO_TOKEN_MESSAGE)}
      </div>
    );
  }
  return null;
}

/** Renders `backticked` parts as code. */
export function renderCode(text: string) {
  return text.split('`').map((part, i) => (i % 2 === 1 ? <code key={i}>{part}</code> : <span key={i}>{part}</span>));
}
