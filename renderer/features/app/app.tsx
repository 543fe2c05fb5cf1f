import { useEffect, useState } from 'react';
import type { ApiConnection } from '../../api';
import { useAppStore } from '../../store';
import { ServerForm } from '../servers/server-form';
import { ServerList } from '../servers/server-list';
import { ServerPage } from '../servers/server-page';
import { selectServer } from '../servers/servers-slice';
import { selectIsBrowserMode, selectPersistentSecrets, type View } from './app-slice';
import { SettingsPage } from '../settings/settings-page';
import { Banners } from './banners';
import { HomePage } from './home-page';

/** The window: a top bar, app-wide banners, the server list and the current page. */
export function App({ connection }: { readonly connection: ApiConnection }) {
  const appState = useAppStore((s) => s.appState);
  const view = useAppStore((s) => s.view);
  const browserMode = useAppStore(selectIsBrowserMode);
  const persistent = useAppStore(selectPersistentSecrets);
  const version = useAppStore((s) => s.info?.version);
  const navigate = useAppStore((s) => s.navigate);
  const state = useConnectionState(connection);

  return (
    <div className="app" data-app-state={appState} aria-busy={appState !== 'ready'}>
      <header className="topbar">
        <span className="brand">
          <span className="brand-mark" aria-hidden="true">
            ≋
          </span>{' '}
          Tidemark
        </span>
        {version && <span className="muted topbar-version">v{version}</span>}
        {browserMode && (
          <span className="topbar-note" data-testid="browser-mode-note">
            Browser mode{persistent ? '' : ' · passwords are kept for this run only'}
          </span>
        )}
        <button
          type="button"
          className="button-small topbar-settings"
          onClick={() => navigate({ page: 'settings' })}
          aria-current={view.page === 'settings' ? 'page' : undefined}
        >
          Settings
        </button>
      </header>
      <Banners connection={state} />
      <div className="layout">
        <ServerList />
        <main className="content" id="main">
          {appState === 'loading' ? (
            <p className="page muted" role="status">
              Loading…
            </p>
          ) : (
            <Page view={view} />
          )}
        </main>
      </div>
    </div>
  );
}

function Page({ view }: { readonly view: View }) {
  const editing = useAppStore(selectServer(view.page === 'edit-server' ? view.id : undefined));
  switch (view.page) {
    case 'home':
      return <HomePage />;
    case 'add-server':
      return <ServerForm key="new" />;
    case 'edit-server':
      return editing ? <ServerForm key={editing.id} server={editing} /> : <HomePage />;
    case 'server':
      return <ServerPage key={view.id} id={view.id} />;
    case 'settings':
      return <SettingsPage />;
  }
}

function useConnectionState(connection: ApiConnection) {
  const [state, setState] = useState(connection.connection());
  useEffect(() => connection.onConnection(setState), [connection]);
  return state;
}
