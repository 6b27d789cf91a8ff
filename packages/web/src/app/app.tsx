/**
 * @module
 * The application shell: login gate, navigation by view group, the top bar (tenant switcher
 * for the operator, live status, role, theme), keyboard shortcuts, and the current view.
 */
import { Suspense, useEffect, useRef, useState, type ReactNode } from 'react';
import { api } from '../api/client';
import type { Tenant } from '../api/types';
import { Dialog } from '../components/dialog';
import { PseudonymHelper } from '../components/pseudonym-helper';
import { Loading } from '../components/states';
import LoginView from '../views/login';
import { useLiveAlerts } from './live';
import { Link, useRouter } from './router';
import { useSession } from './session';
import { ThemeContext, useTheme } from './theme';
import { matchView, VIEWS, type ViewDef } from './views';

function isTyping(el: Element | null): boolean {
  if (!el) return false;
  const tag = el.tagName;
  return tag === 'INPUT' || tag === 'TEXTAREA' || tag === 'SELECT' || (el as HTMLElement).isContentEditable;
}

function TenantSwitcher(): ReactNode {
  const { me, tenant, switchTenant } = useSession();
  const [tenants, setTenants] = useState<readonly Tenant[]>([]);
  useEffect(() => {
    if (!me?.operator) return;
    api
      .tenants()
      .then((r) => setTenants(r.items))
      .catch(() => setTenants([]));
  }, [me?.operator]);
  if (!me) return null;
  if (!me.operator || tenants.length < 2) {
    return (
      <span className="topbar-tenant" title="tenant">
        <span className="muted">Tenant</span> {tenant}
      </span>
    );
  }
  return (
    <label className="topbar-tenant">
      <span className="muted">Tenant</span>
      <select
        value={tenant}
        onChange={(e) => switchTenant(e.target.value === me.tenant ? undefined : e.target.value)}
        aria-label="Tenant to view (node operator)"
      >
        {tenants.map((t) => (
          <option key={t.name} value={t.name}>
            {t.displayName && t.displayName !== t.name ? `${t.displayName} (${t.name})` : t.name}
          </option>
        ))}
      </select>
    </label>
  );
}

function Shortcuts(props: { onClose: () => void }): ReactNode {
  return (
    <Dialog
      title="Keyboard shortcuts"
      onClose={props.onClose}
      footer={
        <button type="button" className="btn" onClick={props.onClose}>
          Close
        </button>
      }
    >
      <table className="kv">
        <tbody>
          {VIEWS.map((v) => (
            <tr key={v.id}>
              <th>
                <kbd>g</kbd> <kbd>{v.key}</kbd>
              </th>
              <td>{v.title}</td>
            </tr>
          ))}
          <tr>
            <th>
              <kbd>/</kbd>
            </th>
            <td>Focus the search or filter field</td>
          </tr>
          <tr>
            <th>
              <kbd>↑</kbd> <kbd>↓</kbd> <kbd>j</kbd> <kbd>k</kbd>
            </th>
            <td>Move in a table; Enter opens</td>
          </tr>
          <tr>
            <th>
              <kbd>x</kbd> <kbd>a</kbd> <kbd>c</kbd>
            </th>
            <td>Alerts: select, acknowledge, close</td>
          </tr>
        </tbody>
      </table>
    </Dialog>
  );
}

function Shell(props: { view: ViewDef; params: string[] }): ReactNode {
  const { me, tenant, role, canWrite, logout } = useSession();
  const { navigate } = useRouter();
  const [theme, setTheme] = useTheme();
  const [help, setHelp] = useState(false);
  const live = useLiveAlerts(undefined, tenant);
  const pendingG = useRef(0);
  const main = useRef<HTMLElement>(null);

  useEffect(() => {
    document.title = `${props.view.title} · INTERSOC`;
    // Move focus to the new view for screen readers, without scrolling.
    main.current?.focus({ preventScroll: true });
  }, [props.view]);

  useEffect(() => {
    const onKey = (e: KeyboardEvent): void => {
      if (e.ctrlKey || e.metaKey || e.altKey || isTyping(document.activeElement)) return;
      if (document.querySelector('dialog[open]')) return;
      if (e.key === '?') {
        setHelp(true);
        return;
      }
      if (e.key === '/') {
        const input = document.querySelector<HTMLElement>('[data-search-input]');
        if (input) {
          e.preventDefault();
          input.focus();
        }
        return;
      }
      if (e.key === 'g') {
        pendingG.current = Date.now();
        return;
      }
      if (Date.now() - pendingG.current < 1500) {
        const v = VIEWS.find((x) => x.key === e.key);
        pendingG.current = 0;
        if (v) navigate(v.path);
      }
    };
    window.addEventListener('keydown', onKey);
    return () => window.removeEventListener('keydown', onKey);
  }, [navigate]);

  const groups = [...new Set(VIEWS.map((v) => v.group))];
  const View = props.view.component;
  return (
    <ThemeContext.Provider value={theme}>
      <a className="skip-link" href="#main">
        Skip to content
      </a>
      <div className="layout">
        <aside className="sidebar">
          <div className="brand">
            <img src="/favicon.svg" alt="" width="24" height="24" />
            <span>INTERSOC</span>
          </div>
          <nav aria-label="Main">
            {groups.map((g) => (
              <div key={g} className="nav-group">
                <div className="nav-group-title">{g}</div>
                <ul>
                  {VIEWS.filter((v) => v.group === g).map((v) => (
                    <li key={v.id}>
                      <Link
                        to={v.path}
                        className="nav-link"
                        aria-current={v.id === props.view.id ? 'page' : undefined}
                        aria-keyshortcuts={`g ${v.key}`}
                      >
                        {v.title}
                      </Link>
                    </li>
                  ))}
                </ul>
              </div>
            ))}
          </nav>
          <button type="button" className="btn btn-ghost nav-help" onClick={() => setHelp(true)}>
            Shortcuts <kbd>?</kbd>
          </button>
        </aside>
        <div className="content">
          <header className="topbar">
            <TenantSwitcher />
            <span className={`live ${live ? 'live-up' : 'live-down'}`} role="status" aria-live="polite">
              <span className="live-dot" aria-hidden="true" />
              {live ? 'Live' : 'Reconnecting'}
            </span>
            <span className="topbar-spacer" />
            {!canWrite && (
              <span className="badge badge-readonly" title="This account can look at everything but change nothing">
                Read-only
              </span>
            )}
            <span className="topbar-user">
              {me?.user} <span className="muted">({role})</span>
            </span>
            <button
              type="button"
              className="btn btn-ghost"
              aria-pressed={theme === 'dark'}
              onClick={() => setTheme(theme === 'dark' ? 'light' : 'dark')}
            >
              {theme === 'dark' ? 'Dark' : 'Light'} theme
            </button>
            <button type="button" className="btn btn-ghost" onClick={() => void logout()}>
              Log out
            </button>
          </header>
          <main id="main" ref={main} tabIndex={-1} className="main" key={`${props.view.id}:${tenant}`}>
            <Suspense fallback={<Loading label={`Loading ${props.view.title}…`} />}>
              <View params={props.params} />
            </Suspense>
          </main>
        </div>
      </div>
      {help && <Shortcuts onClose={() => setHelp(false)} />}
      <PseudonymHelper />
    </ThemeContext.Provider>
  );
}

function NotFound(): ReactNode {
  return (
    <main id="main" className="main state state-empty">
      <h1>No such page</h1>
      <Link to="/">Go to the overview</Link>
    </main>
  );
}

/** The app. */
export function App(): ReactNode {
  const { me } = useSession();
  const { location } = useRouter();
  if (me === undefined) return <Loading label="Checking your session…" />;
  if (me === null) return <LoginView />;
  if (me.roles.includes('partner') && me.roles.length === 1) {
    return (
      <main id="main" className="main state state-empty">
        <h1>Partner account</h1>
        <p>
          Partner SOCs exchange intelligence through TAXII and federation; the dashboard is for this node&apos;s own
          analysts.
        </p>
      </main>
    );
  }
  const m = matchView(location.path);
  if (!m) return <NotFound />;
  return <Shell view={m.view} params={m.params} />;
}
