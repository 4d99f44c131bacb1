// The dashboard's entry: checks the session, then shows the login or the app.

import { render } from 'preact';
import { useEffect, useState } from 'preact/hooks';
import type { SessionJson } from '../../shared/protocol.ts';
import { api, setUnauthorizedHandler } from './api.ts';
import { href, useRoute } from './router.ts';
import { LoginView } from './views/login.tsx';
import { MonitorView } from './views/monitor.tsx';
import { MonitorsView } from './views/monitors.tsx';
import { RunView } from './views/run.tsx';
import './styles.css';

function App() {
  const [session, setSession] = useState<'checking' | 'in' | 'out'>('checking');
  const route = useRoute();

  useEffect(() => {
    setUnauthorizedHandler(() => setSession('out'));
    api<SessionJson>('GET', '/v1/session').then(
      (s) => setSession(s.authenticated ? 'in' : 'out'),
      () => setSession('out'),
    );
  }, []);

  if (session === 'checking') return <div class="boot">Loading…</div>;
  if (session === 'out') return <LoginView onLoggedIn={() => setSession('in')} />;

  const logout = async () => {
    await api('DELETE', '/v1/session').catch(() => undefined);
    setSession('out');
  };

  return (
    <div class="shell">
      <header class="topbar">
        <a class="brand" href={href({ view: 'monitors' })}>
          <span class="brand-mark" aria-hidden="true" />
          Drumbeats
        </a>
        <nav>
          <a href={href({ view: 'monitors' })} class={route.view === 'monitors' ? 'active' : ''}>
            Monitors
          </a>
        </nav>
        <button type="button" class="ghost" onClick={logout} data-testid="logout">
          Log out
        </button>
      </header>
      <main>
        {route.view === 'monitors' && <MonitorsView />}
        {route.view === 'monitor' && <MonitorView monitorId={route.monitorId} range={route.range} end={route.end} />}
        {route.view === 'run' && <RunView monitorId={route.monitorId} runId={route.runId} />}
        {route.view === 'not-found' && (
          <p class="empty">
            Nothing at <code>{route.path}</code>. <a href="#/">Back to monitors</a>
          </p>
        )}
      </main>
    </div>
  );
}

render(<App />, document.getElementById('app')!);
