import { BundleDialog } from './components/BundleDialog';
import { CheckDialog } from './components/CheckDialog';
import { ConnectPasswordDialog } from './components/ConnectPasswordDialog';
import { ImportDialog } from './components/ImportDialog';
import { KeyInspector } from './components/KeyInspector';
import { PromptHost } from './components/PromptHost';
import { RunPanel } from './components/RunPanel';
import { ServiceBanner } from './components/ServiceBanner';
import { SessionForm } from './components/SessionForm';
import { SiteList, UndoToast } from './components/SiteList';
import { WindowDrop } from './components/WindowDrop';
import { useApp } from './stores/appStore';

function VersionBadge() {
  const info = useApp((s) => s.info);
  const infoError = useApp((s) => s.infoError);
  if (info) {
    return (
      <p className="app-version" title={`${info.name} ${info.version} (${info.host === 'electron' ? 'desktop app' : 'browser window'})`}>
        <span className="visually-hidden">Version </span>
        <span data-testid="app-version" aria-label={`Version ${info.version}`} role="status">
          {info.version}
        </span>
      </p>
    );
  }
  return (
    <p className="app-version muted" title={infoError ?? undefined}>
      <span data-testid="app-version" aria-label="Version unknown" role="status">
        {infoError ? 'version unavailable' : 'connecting…'}
      </span>
    </p>
  );
}

export function App() {
  const name = useApp((s) => s.info?.name ?? 'SFTP Doctor');
  return (
    <div className="app">
      <header className="app-header">
        <h1 className="app-name">{name}</h1>
        <VersionBadge />
      </header>
      <ServiceBanner />
      <main className="app-main" id="main">
        <nav className="pane sites-pane" aria-label="Saved sites">
          <SiteList />
        </nav>
        <section className="pane form-pane" aria-label="Session">
          <SessionForm />
        </section>
        <section className="pane run-pane" aria-labelledby="run-title">
          <RunPanel />
        </section>
      </main>
      <UndoToast />
      <KeyInspector />
      <BundleDialog />
      <ImportDialog />
      <CheckDialog />
      <ConnectPasswordDialog />
      <PromptHost />
      <WindowDrop />
    </div>
  );
}
