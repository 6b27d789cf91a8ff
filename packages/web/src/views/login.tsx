/**
 * @module
 * Login with the node's users: tenant, user name and password. The node answers with an
 * HttpOnly session cookie; repeated failures are throttled by the node and shown here.
 */
import { useState, type FormEvent, type ReactNode } from 'react';
import { ApiError } from '../api/client';
import { useSession } from '../app/session';

/** The login page. */
export default function LoginView(): ReactNode {
  const { login } = useSession();
  const [tenant, setTenant] = useState('default');
  const [username, setUsername] = useState('');
  const [password, setPassword] = useState('');
  const [error, setError] = useState<string | undefined>(undefined);
  const [busy, setBusy] = useState(false);

  const submit = async (e: FormEvent): Promise<void> => {
    e.preventDefault();
    setBusy(true);
    setError(undefined);
    try {
      await login(tenant.trim(), username.trim(), password);
    } catch (err) {
      if (err instanceof ApiError && err.status === 429) {
        const wait = Number(err.details?.['retryAfterSeconds'] ?? 0);
        setError(`Too many failed attempts. Try again in ${wait > 0 ? `${wait} s` : 'a moment'}.`);
      } else if (err instanceof ApiError && (err.status === 401 || err.status === 400)) {
        setError('The tenant, user name or password is not right.');
      } else {
        setError(err instanceof Error ? err.message : String(err));
      }
      setPassword('');
    } finally {
      setBusy(false);
    }
  };

  return (
    <main id="main" className="login">
      <form
        className="login-card"
        onSubmit={(e) => void submit(e)}
        aria-describedby={error ? 'login-error' : undefined}
      >
        <div className="brand brand-large">
          <img src="/favicon.svg" alt="" width="32" height="32" />
          <h1>INTERSOC</h1>
        </div>
        <p className="muted">Sign in to the SOC node.</p>
        <label className="field">
          <span>Tenant</span>
          <input
            name="tenant"
            value={tenant}
            onChange={(e) => setTenant(e.target.value)}
            autoComplete="organization"
            required
          />
        </label>
        <label className="field">
          <span>User name</span>
          <input
            name="username"
            value={username}
            onChange={(e) => setUsername(e.target.value)}
            autoComplete="username"
            required
            autoFocus
          />
        </label>
        <label className="field">
          <span>Password</span>
          <input
            name="password"
            type="password"
            value={password}
            onChange={(e) => setPassword(e.target.value)}
            autoComplete="current-password"
            required
          />
        </label>
        {error && (
          <p id="login-error" className="form-error" role="alert">
            {error}
          </p>
        )}
        <button type="submit" className="btn btn-primary btn-block" disabled={busy}>
          {busy ? 'Signing in…' : 'Sign in'}
        </button>
        <p className="muted small">
          The first start of <code>intersoc serve</code> prints the operator&apos;s one-time password. More users:{' '}
          <code>intersoc admin user add</code>.
        </p>
      </form>
    </main>
  );
}
