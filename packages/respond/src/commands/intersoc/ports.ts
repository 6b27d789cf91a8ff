/**
 * @module
 * What the built-in `intersoc` commands reach in the node: federation, the detectors' indicator
 * set, cases and hunts. The node implements these with its own services; each call carries the
 * run's context, so everything stays inside the run's tenant.
 */
import type { AuthContext } from '@intersoc/core';

/** Node services a playbook may use. Absent ones make their commands fail with a clear reason. */
export interface NodePorts {
  /** Shares an indicator (an existing STIX id, or a new one from a pattern) with peers under TLP. */
  share?(
    ctx: AuthContext,
    req: { readonly id?: string; readonly pattern?: string; readonly name?: string; readonly tlp: string },
  ): Promise<{ readonly id: string; readonly peers: number; readonly denied: number }>;
  /** Withdraws a share: revokes the object and shares the revocation. */
  unshare?(ctx: AuthContext, id: string): Promise<void>;
  /** Adds an indicator to the node's detectors; returns its STIX id. */
  block?(
    ctx: AuthContext,
    req: { readonly pattern: string; readonly name: string; readonly validFor?: number },
  ): Promise<{ readonly id: string }>;
  /** Removes an indicator from the detectors (revokes it). */
  unblock?(ctx: AuthContext, id: string): Promise<void>;
  openCase?(
    ctx: AuthContext,
    req: {
      readonly title: string;
      readonly description?: string;
      readonly severity?: string;
      readonly incident?: string;
    },
  ): Promise<{ readonly id: string; readonly number: number }>;
  addObservable?(
    ctx: AuthContext,
    req: { readonly case: string; readonly kind: string; readonly value: string; readonly ioc?: boolean },
  ): Promise<{ readonly id: string }>;
  /** Runs a Sigma rule over the tenant's stored events. */
  hunt?(
    ctx: AuthContext,
    req: { readonly rule: string; readonly from?: number; readonly to?: number; readonly limit: number },
  ): Promise<{ readonly matches: number; readonly events: readonly string[]; readonly rule: string }>;
}
