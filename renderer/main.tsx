import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { connectApi } from './api';
import { App } from './features/app/app';
import { createAppStore, startStore, StoreContext } from './store';
import './styles.css';

const connection = connectApi();
const store = createAppStore(connection.api);
startStore(store, connection.api);

// After a lost connection, the engine may have moved on (jobs finished, servers edited).
let wasOpen = connection.connection().status === 'open';
connection.onConnection((state) => {
  if (state.status === 'open' && !wasOpen && store.getState().appState === 'ready') {
    void store.getState().loadServers();
    void store.getState().loadJobs();
  }
  wasOpen = state.status === 'open';
});

createRoot(document.getElementById('root')!).render(
  <StrictMode>
    <StoreContext.Provider value={store}>
      <App connection={connection} />
    </StoreContext.Provider>
  </StrictMode>,
);
