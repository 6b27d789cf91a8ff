/**
 * @module
 * Sigma rules for the dashboard: the tenant's rule folders (starter pack + installed packs,
 * the same as `intersoc rules`), their tuning (`<data>/rules/<tenant>/tuning.json`), hits from
 * stored alerts, the fields each detection tests, and ATT&CK coverage against observed alerts.
 */
import { existsSync, statSync } from 'node:fs';
import path from 'node:path';
import { AppError, requireRole, type AuthContext, type Severity } from '@intersoc/core';
import type { RuleCatalogue, RuleInfo, RuleService, TechniqueCoverage } from '@intersoc/api';
import { loadRuleSet, starterPackDir, type LoadedRuleSet, type RuleTuning, type SigmaDocument } from '@intersoc/detect';
import { techniqueById } from '@intersoc/simulate';
import { alertRuleCounts, alertTechniqueCounts, type SqliteEventReader } from '@intersoc/storage';
import { readTuning, rulesHome, tenantRulePaths, writeTuning } from '../rules.js';

/** Alert counts per rule and per technique over all stored alerts of the caller's tenant. */
export interface AlertHitCounts {
  rules(
    ctx: AuthContext,
  ): Map<string, { count: number; last: number }> | Promise<Map<string, { count: number; last: number }>>;
  techniques(ctx: AuthContext): Map<string, number> | Promise<Map<string, number>>;
}

/** The hit counts of a SQLite event store. */
export function sqliteHitCounts(reader: SqliteEventReader): AlertHitCounts {
  return { rules: (ctx) => alertRuleCounts(reader, ctx), techniques: (ctx) => alertTechniqueCounts(reader, ctx) };
}

/** Field names a detection tests: map keys without their `|modifiers`, at any depth. */
export function detectionFields(detection: unknown): string[] {
  const out = new Set<string>();
  const walk = (n: unknown): void => {
    if (!n || typeof n !== 'object') return;
    if (n instanceof Map) {
      for (const v of n.values()) walk(v);
      return;
    }
    const node = n as { kind?: string; entries?: readonly (readonly [string, unknown])[]; items?: readonly unknown[] };
    if (node.kind === 'map' && node.entries) {
      for (const [k, v] of node.entries) {
        const field = k.split('|')[0]?.trim();
        if (field) out.add(field);
        // Nested maps only occur in lists of maps; their values are scalars or lists of scalars.
        if (v && typeof v === 'object' && (v as { kind?: string }).kind === 'list') walk(v);
      }
    } else if (node.kind === 'list' && node.items) {
      for (const item of node.items) walk(item);
    }
  };
  walk((detection as { identifiers?: unknown } | undefined)?.identifiers);
  return [...out];
}

interface Loaded {
  readonly signature: string;
  readonly set: LoadedRuleSet;
  /** Parsed documents by rule key. */
  readonly docs: Map<string, SigmaDocument>;
}

function keyOf(d: SigmaDocument): string {
  return d.meta.id ?? `title:${d.meta.title}`;
}

/** The rule service of a node data directory. */
export function ruleService(d: {
  readonly data: string;
  /** Hits are counted from this store's alerts (or from `hits`). */
  readonly reader?: SqliteEventReader;
  readonly hits?: AlertHitCounts;
  /**
   * Brings the data folder's rules and tuning up to date before each read (a role that mirrors
   * the shared store's packs into `data`); absent: the folder is the truth.
   */
  readonly sync?: () => Promise<void>;
  /** Stores a tenant's changed tuning (default: `<data>/rules/<tenant>/tuning.json`). */
  readonly saveTuning?: (tenant: string, tuning: RuleTuning) => Promise<void>;
  /** Called after tuning changed, so running detectors pick it up (hot reload). */
  readonly onChange?: () => Promise<void>;
}): RuleService {
  const counts = d.hits ?? (d.reader ? sqliteHitCounts(d.reader) : undefined);
  if (!counts) throw new AppError('INTERNAL', 'the rule service needs an event reader or hit counts');
  const cache = new Map<string, Loaded>();
  const starter = path.resolve(starterPackDir());

  // Rule folders change only through `intersoc rules add`, which adds a pack folder; the
  // signature of the folder list and modification times is enough to reload then.
  const load = (tenant: string): Loaded => {
    const paths = tenantRulePaths(d.data, tenant).filter((p) => existsSync(p));
    const signature = paths.map((p) => `${p}@${statSync(p).mtimeMs}`).join('|');
    const hit = cache.get(tenant);
    if (hit && hit.signature === signature) return hit;
    const set = loadRuleSet(paths);
    const docs = new Map<string, SigmaDocument>();
    for (const doc of set.tree.parsed) docs.set(keyOf(doc), doc);
    const loaded = { signature, set, docs };
    cache.set(tenant, loaded);
    return loaded;
  };

  const packOf = (file: string): string => {
    const abs = path.resolve(file);
    if (abs.startsWith(`${starter}${path.sep}`)) return 'starter';
    const rel = path.relative(path.join(d.data, 'rules'), abs).split(path.sep);
    return rel[1] === 'packs' && rel[2] ? rel[2] : path.basename(path.dirname(abs));
  };

  const catalogue = async (ctx: AuthContext): Promise<RuleCatalogue> => {
    await d.sync?.();
    const loaded = load(ctx.tenant);
    const tuning = readTuning(rulesHome(d.data, ctx.tenant));
    const disabled = new Set(tuning.disabled ?? []);
    const levels = tuning.levels ?? {};
    const hits = await counts.rules(ctx);
    const info = (
      kind: RuleInfo['kind'],
      r: {
        key: string;
        id?: string;
        title: string;
        level: Severity;
        meta: {
          status?: string;
          description?: string;
          author?: string;
          references: readonly string[];
          falsepositives: readonly string[];
        };
        tactics: readonly string[];
        techniques: readonly string[];
        path: string;
        logsource?: { readonly category?: string; readonly product?: string; readonly service?: string };
      },
    ): RuleInfo => {
      const override = levels[r.key];
      const h = hits.get(r.id ?? r.key);
      const doc = loaded.docs.get(r.key);
      const logsource: Record<string, string> = {};
      for (const [k, v] of Object.entries(r.logsource ?? {})) if (typeof v === 'string') logsource[k] = v;
      return {
        key: r.key,
        title: r.title,
        kind,
        enabled: !disabled.has(r.key),
        level: override ?? r.level,
        ...(override !== undefined && override !== r.level ? { ruleLevel: r.level } : {}),
        ...(r.meta.status ? { status: r.meta.status } : {}),
        ...(r.meta.description ? { description: r.meta.description } : {}),
        ...(r.meta.author ? { author: r.meta.author } : {}),
        tactics: r.tactics,
        techniques: r.techniques,
        logsource,
        path: r.path,
        pack: packOf(r.path),
        references: r.meta.references,
        falsepositives: r.meta.falsepositives,
        hits: h?.count ?? 0,
        ...(h ? { lastHit: h.last } : {}),
        fields: doc && doc.kind === 'rule' ? detectionFields(doc.detection) : [],
      };
    };
    const rules = [
      ...loaded.set.ruleSet.rules.map((r) => info('rule', r)),
      ...loaded.set.ruleSet.correlations.map((c) => info('correlation', c)),
    ].sort((a, b) => a.title.localeCompare(b.title));
    return {
      rules,
      rejected: loaded.set.allRejected.map((x) => ({
        path: x.path,
        title: x.title,
        ...(x.id ? { id: x.id } : {}),
        reason: x.reason,
      })),
      packs: tenantRulePaths(d.data, ctx.tenant).map((p) =>
        path.resolve(p) === starter ? 'starter' : path.basename(p),
      ),
    };
  };

  return {
    async list(ctx) {
      return catalogue(ctx);
    },
    async get(ctx, key) {
      return (await catalogue(ctx)).rules.find((r) => r.key === key || r.key === `title:${key}`);
    },
    async tune(ctx, key, change) {
      requireRole(ctx, ['admin', 'analyst']);
      const rule = (await catalogue(ctx)).rules.find((r) => r.key === key);
      if (!rule) throw new AppError('NOT_FOUND', `no rule ${key}`);
      const tuning = readTuning(rulesHome(d.data, ctx.tenant));
      let disabled = [...(tuning.disabled ?? [])];
      const levels: Record<string, Severity> = { ...(tuning.levels ?? {}) };
      if (change.enabled === true) disabled = disabled.filter((k) => k !== key);
      if (change.enabled === false && !disabled.includes(key)) disabled.push(key);
      if (change.level === null) delete levels[key];
      else if (change.level !== undefined) levels[key] = change.level;
      const changed = { ...tuning, disabled, levels };
      if (d.saveTuning) await d.saveTuning(ctx.tenant, changed);
      else writeTuning(rulesHome(d.data, ctx.tenant), changed);
      await d.onChange?.();
      const updated = (await catalogue(ctx)).rules.find((r) => r.key === key);
      if (!updated) throw new AppError('INTERNAL', `rule ${key} vanished while tuning`);
      return updated;
    },
    async coverage(ctx) {
      const rules = (await catalogue(ctx)).rules.filter((r) => r.enabled);
      const observed = await counts.techniques(ctx);
      const byId = new Map<string, { tactics: Set<string>; rules: number; alerts: number }>();
      const entry = (id: string) => {
        let e = byId.get(id);
        if (!e) {
          e = { tactics: new Set(), rules: 0, alerts: 0 };
          byId.set(id, e);
        }
        return e;
      };
      for (const r of rules) {
        for (const t of r.techniques) {
          const e = entry(t);
          e.rules++;
          for (const tac of r.tactics) e.tactics.add(tac);
        }
      }
      for (const [id, n] of observed) entry(id).alerts += n;
      const out: TechniqueCoverage[] = [];
      for (const [id, e] of byId) {
        const known = techniqueById(id) ?? techniqueById(id.split('.')[0] ?? id);
        const tactics = e.tactics.size > 0 ? [...e.tactics] : [...(known?.tactics ?? [])];
        out.push({
          id,
          ...(known && known.id === id ? { name: known.name } : {}),
          tactics,
          rules: e.rules,
          alerts: e.alerts,
        });
      }
      return out.sort((a, b) => a.id.localeCompare(b.id));
    },
  };
}
