/**
 * @module
 * Small labels with meaning: severity, triage state, TLP, health. Colour is never the only
 * carrier: each badge spells its value.
 */
import type { ReactNode } from 'react';
import type { AlertStatus, Severity } from '../api/types';
import { tlpBadge } from '../lib/tlp';

const SEVERITY_LABEL: Readonly<Record<Severity, string>> = {
  informational: 'Info',
  low: 'Low',
  medium: 'Medium',
  high: 'High',
  critical: 'Critical',
};

/** Severity badge. */
export function SeverityBadge(props: { severity: Severity }): ReactNode {
  return (
    <span className={`badge sev sev-${props.severity}`} title={`severity ${props.severity}`}>
      {SEVERITY_LABEL[props.severity]}
    </span>
  );
}

const STATUS_LABEL: Readonly<Record<AlertStatus, string>> = {
  new: 'New',
  acknowledged: 'Acknowledged',
  closed: 'Closed',
};

/** Triage state badge. */
export function StatusBadge(props: { status: AlertStatus; reason?: string | undefined }): ReactNode {
  return (
    <span
      className={`badge status status-${props.status}`}
      title={props.reason ? `${props.status}: ${props.reason}` : props.status}
    >
      {STATUS_LABEL[props.status]}
    </span>
  );
}

/** TLP badge in the FIRST colours. */
export function TlpBadge(props: { tlp: string | undefined }): ReactNode {
  const b = tlpBadge(props.tlp);
  if (!b) return <span className="badge badge-muted">no TLP</span>;
  return (
    <span className="badge tlp" style={{ color: b.fg, background: b.bg }} title={b.meaning}>
      {b.label}
    </span>
  );
}

/** Health badge. */
export function HealthBadge(props: { status: 'ok' | 'degraded' | 'down' }): ReactNode {
  const label = props.status === 'ok' ? 'OK' : props.status === 'degraded' ? 'Degraded' : 'Down';
  return <span className={`badge health health-${props.status}`}>{label}</span>;
}
