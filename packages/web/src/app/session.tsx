/**
 * @module
 * Who is logged in, what they may do, and which tenant the operator is looking at. The session
 * itself is the HttpOnly cookie; this only mirrors `/api/auth/me`.
 */
import { createContext, useCallback, useContext, useEffect, useMemo, useState, type ReactNode } from 'react';
import { api, ApiError, setTenantOverride, UNAUTHENTICATED_EVENT } from '../api/client';
import type { Me, Role } from '../api/types';

interface SessionValue {
  /** Undefined while the first check runs. */
  readonly me: Me | null | undefined;
  /** The tenant whose data is shown. */
  readonly tenant: string;
  /** True for admins and analysts: they may triage, tune and import. */
  readonly canWrite: boolean;
  readonly role: Role | undefined;
  login(tenant: string, username: string, password: string): Promise<void>;
  logout(): Promise<void>;
  /** Operator only: look into another tenant (undefined: back to the own one). */
  switchTenant(tenant: string | undefined): void;
}

const SessionContext = createContext<SessionValue | undefined>(undefined);
const TENANT_KEY = 'intersoc.tenant';

/** Provides the session. */
export function SessionProvider(props: { children: ReactNode }): ReactNode {
  const [me, setMe] = useState<Me | null | undefined>(undefined);
  const [viewTenant, setViewTenant] = useState<string | undefined>(undefined);

  const applyTenant = useCallback((who: Me | null, wanted: string | undefined) => {
    const t = who?.operator && wanted && wanted !== who.tenant ? wanted : undefined;
    setTenantOverride(t);
    setViewTenant(t);
    if (t) sessionStorage.setItem(TENANT_KEY, t);
    else sessionStorage.removeItem(TENANT_KEY);
  }, []);

  useEffect(() => {
    let live = true;
    api
      .me()
      .then((m) => {
        if (!live) return;
        applyTenant(m, sessionStorage.getItem(TENANT_KEY) ?? undefined);
        setMe(m);
      })
      .catch((err: unknown) => {
        if (live) setMe(err instanceof ApiError && err.status === 401 ? null : null);
      });
    const onGone = (): void => {
      applyTenant(null, undefined);
      setMe(null);
    };
    window.addEventListener(UNAUTHENTICATED_EVENT, onGone);
    return () => {
      live = false;
      window.removeEventListener(UNAUTHENTICATED_EVENT, onGone);
    };
  }, [applyTenant]);

  const login = useCallback(
    async (tenant: string, username: string, password: string) => {
      await api.login({ tenant, username, password });
      const m = await api.me();
      applyTenant(m, undefined);
      setMe(m);
    },
    [applyTenant],
  );

  const logout = useCallback(async () => {
    try {
      await api.logout();
    } finally {
      applyTenant(null, undefined);
      setMe(null);
    }
  }, [applyTenant]);

  const value = useMemo<SessionValue>(() => {
    const role = me?.roles[0];
    return {
      me,
      tenant: viewTenant ?? me?.tenant ?? '',
      role,
      canWrite: role === 'admin' || role === 'analyst',
      login,
      logout,
      switchTenant: (t) => applyTenant(me ?? null, t),
    };
  }, [me, viewTenant, login, logout, applyTenant]);
  return <SessionContext.Provider value={value}>{props.children}</SessionContext.Provider>;
}

/** The session. */
export function useSession(): SessionValue {
  const s = useContext(SessionContext);
  if (!s) throw new Error('useSession outside SessionProvider');
  return s;
}
