// Login: the API key (or the dashboard password the collector was started
// with) buys an HttpOnly session cookie; the secret itself is never stored.

import { useState } from 'preact/hooks';
import { api } from '../api.ts';

/** The login form; calls onLoggedIn once the session cookie is set. */
export function LoginView({ onLoggedIn }: { onLoggedIn: () => void }) {
  const [secret, setSecret] = useState('');
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);

  const submit = async (event: Event) => {
    event.preventDefault();
    setBusy(true);
    setError(null);
    try {
      await api('POST', '/v1/session', { secret });
      onLoggedIn();
    } catch (e) {
      setError((e as Error).message);
    } finally {
      setBusy(false);
    }
  };

  return (
    <div class="login">
      <form class="card login-card" onSubmit={submit}>
        <h1>
          <span class="brand-mark" aria-hidden="true" /> Drumbeats
        </h1>
        <p class="muted">Enter the collector's API key, or the dashboard password if one is set.</p>
        <label>
          API key or password
          <input
            type="password"
            name="secret"
            autoComplete="current-password"
            value={secret}
            onInput={(e) => setSecret((e.target as HTMLInputElement).value)}
            autoFocus
            required
          />
        </label>
        {error && (
          <p class="error" role="alert">
            {error}
          </p>
        )}
        <button type="submit" disabled={busy || secret === ''}>
          {busy ? 'Checking…' : 'Log in'}
        </button>
      </form>
    </div>
  );
}
