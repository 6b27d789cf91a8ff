/**
 * @module
 * The view registry. A view is a path prefix, a title, a nav group and a lazily loaded
 * component; adding a view (incidents, cases, playbooks ...) is one entry here and one file in
 * `views/`. Navigation, shortcuts, titles and code splitting all follow from this list.
 */
import { lazy, type ComponentType, type LazyExoticComponent } from 'react';
import type { ViewProps } from './view-types';

export type { ViewProps } from './view-types';

/** One view. */
export interface ViewDef {
  readonly id: string;
  /** Path prefix; `/` matches only the root. */
  readonly path: string;
  readonly title: string;
  readonly group: 'Monitor' | 'Respond' | 'Detect' | 'Intelligence' | 'Node';
  /** Key pressed after `g` to jump here. */
  readonly key: string;
  readonly component: LazyExoticComponent<ComponentType<ViewProps>>;
}

/** Every view, in navigation order. */
export const VIEWS: readonly ViewDef[] = [
  {
    id: 'overview',
    path: '/',
    title: 'Overview',
    group: 'Monitor',
    key: 'o',
    component: lazy(() => import('../views/overview')),
  },
  {
    id: 'alerts',
    path: '/alerts',
    title: 'Alerts',
    group: 'Monitor',
    key: 'a',
    component: lazy(() => import('../views/alerts')),
  },
  {
    id: 'ranked',
    path: '/ranked',
    title: 'Alerts by priority',
    group: 'Monitor',
    key: 'l',
    component: lazy(() => import('../views/ranked')),
  },
  {
    id: 'search',
    path: '/search',
    title: 'Event search',
    group: 'Monitor',
    key: 's',
    component: lazy(() => import('../views/search')),
  },
  {
    id: 'hosts',
    path: '/hosts',
    title: 'Host',
    group: 'Monitor',
    key: 'w',
    component: lazy(() => import('../views/entity')),
  },
  {
    id: 'users',
    path: '/users',
    title: 'User',
    group: 'Monitor',
    key: 'b',
    component: lazy(() => import('../views/entity')),
  },
  {
    id: 'incidents',
    path: '/incidents',
    title: 'Incidents',
    group: 'Respond',
    key: 'e',
    component: lazy(() => import('../views/incidents')),
  },
  {
    id: 'cases',
    path: '/cases',
    title: 'Cases',
    group: 'Respond',
    key: 'c',
    component: lazy(() => import('../views/cases')),
  },
  {
    id: 'playbooks',
    path: '/playbooks',
    title: 'Playbooks',
    group: 'Respond',
    key: 'p',
    component: lazy(() => import('../views/playbooks')),
  },
  {
    id: 'nis2',
    path: '/nis2',
    title: 'NIS2 deadlines',
    group: 'Respond',
    key: 'd',
    component: lazy(() => import('../views/nis2')),
  },
  {
    id: 'case-metrics',
    path: '/case-metrics',
    title: 'Case metrics',
    group: 'Respond',
    key: 't',
    component: lazy(() => import('../views/case-metrics')),
  },
  {
    id: 'rules',
    path: '/rules',
    title: 'Rules',
    group: 'Detect',
    key: 'r',
    component: lazy(() => import('../views/rules')),
  },
  {
    id: 'attack',
    path: '/attack',
    title: 'ATT&CK matrix',
    group: 'Detect',
    key: 'm',
    component: lazy(() => import('../views/attack')),
  },
  {
    id: 'models',
    path: '/models',
    title: 'Models',
    group: 'Detect',
    key: 'x',
    component: lazy(() => import('../views/models')),
  },
  {
    id: 'forecast',
    path: '/forecast',
    title: 'Forecasts',
    group: 'Intelligence',
    key: 'f',
    component: lazy(() => import('../views/forecast')),
  },
  {
    id: 'reports',
    path: '/reports',
    title: 'Threat reports',
    group: 'Intelligence',
    key: 'u',
    component: lazy(() => import('../views/reports')),
  },
  {
    id: 'intel',
    path: '/intel',
    title: 'Threat intelligence',
    group: 'Intelligence',
    key: 'i',
    component: lazy(() => import('../views/intel')),
  },
  {
    id: 'network',
    path: '/network',
    title: 'SOC network',
    group: 'Intelligence',
    key: 'n',
    component: lazy(() => import('../views/network')),
  },
  {
    id: 'cascade',
    path: '/cascade',
    title: 'Cascades',
    group: 'Intelligence',
    key: 'k',
    component: lazy(() => import('../views/cascade')),
  },
  {
    id: 'training',
    path: '/training',
    title: 'Training',
    group: 'Node',
    key: 'y',
    component: lazy(() => import('../views/training')),
  },
  {
    id: 'privacy',
    path: '/privacy',
    title: 'Privacy',
    group: 'Node',
    key: 'v',
    component: lazy(() => import('../views/privacy')),
  },
  {
    id: 'health',
    path: '/health',
    title: 'Health',
    group: 'Node',
    key: 'h',
    component: lazy(() => import('../views/health')),
  },
];

/** The view for a path and the segments after its prefix. */
export function matchView(path: string): { view: ViewDef; params: string[] } | undefined {
  const clean = path.replace(/\/+$/, '') || '/';
  for (const view of VIEWS) {
    if (view.path === '/') {
      if (clean === '/') return { view, params: [] };
      continue;
    }
    if (clean === view.path || clean.startsWith(`${view.path}/`)) {
      const rest = clean.slice(view.path.length).split('/').filter(Boolean).map(decodeURIComponent);
      return { view, params: rest };
    }
  }
  return undefined;
}
