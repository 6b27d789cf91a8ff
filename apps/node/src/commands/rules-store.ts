/**
 * @module
 * `intersoc rules` against a PostgreSQL store (`--store postgres://…`, `store.url`,
 * `INTERSOC_STORE_URL`): packs and tuning go where every detect and correlate role reads them
 * (`roles/rule-sync.ts` mirrors them into each role's `--data` and reloads). Without such a store
 * the commands keep working on `<data>/rules/` as before.
 */
import { mkdtempSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { loadRuleSet, type RuleTuning } from '@intersoc/detect';
import type { RulePackFile } from '@intersoc/storage/postgres';
import { configFor } from '../node/options.js';
import { mirrorRules } from '../node/rules-mirror.js';
import { parseTuning, readTuning, rulesHome, tenantRulePaths } from '../node/rules.js';

/** The PostgreSQL URL the rule commands use, if any: `--store`, else the configuration's `store.url`. */
export function rulesStoreUrl(flags: { store?: string; config?: string; data: string }): string | undefined {
  const url =
    flags.store ?? configFor({ data: flags.data, ...(flags.config ? { config: flags.config } : {}) }).store.url;
  return url !== undefined && /^postgres(ql)?:\/\//.test(url) ? url : undefined;
}

/** The rule files under `src` (a file or a folder), with paths relative to it; other files are left out. */
export function packFiles(src: string): RulePackFile[] {
  if (statSync(src).isFile()) return [{ path: path.basename(src), text: readFileSync(src, 'utf8') }];
  const out: RulePackFile[] = [];
  const walk = (dir: string, rel: string[]): void => {
    for (const e of readdirSync(dir, { withFileTypes: true }).sort((a, b) => a.name.localeCompare(b.name))) {
      if (e.isDirectory()) walk(path.join(dir, e.name), [...rel, e.name]);
      else if (e.isFile() && /\.ya?ml$/i.test(e.name))
        out.push({ path: [...rel, e.name].join('/'), text: readFileSync(path.join(dir, e.name), 'utf8') });
    }
  };
  walk(src, []);
  return out;
}

/** Stores a pack; returns the store's new rule revision. */
export async function addPackToStore(
  url: string,
  tenant: string,
  name: string,
  files: readonly RulePackFile[],
  documents: number,
): Promise<number> {
  const { PgRulePacks } = await import('@intersoc/storage/postgres');
  const store = PgRulePacks.open(url);
  try {
    return await store.add(tenant, name, files, documents);
  } finally {
    await store.close();
  }
}

/** Changes a tenant's tuning in the store. */
export async function tuneInStore(url: string, tenant: string, f: (t: RuleTuning) => RuleTuning): Promise<number> {
  const { PgRulePacks } = await import('@intersoc/storage/postgres');
  const store = PgRulePacks.open(url);
  try {
    const now = parseTuning(await store.tuning(tenant), `tuning of tenant ${tenant} in the store`);
    return await store.setTuning(tenant, f(now) as Record<string, unknown>);
  } finally {
    await store.close();
  }
}

/** What `rules list` prints. */
export interface RulesListing {
  readonly packs: string[];
  readonly rules: number;
  readonly correlations: number;
  readonly rejected: number;
  readonly tuning: RuleTuning;
  readonly revision?: number;
}

/** The tenant's rules as a role compiles them: the store's packs mirrored into a scratch folder. */
export async function listFromStore(url: string, tenant: string): Promise<RulesListing> {
  const { PgRulePacks } = await import('@intersoc/storage/postgres');
  const store = PgRulePacks.open(url);
  const scratch = mkdtempSync(path.join(tmpdir(), 'intersoc-rules-'));
  try {
    const snap = await store.snapshot();
    mirrorRules(snap, scratch);
    const tuning = readTuning(rulesHome(scratch, tenant));
    const r = loadRuleSet(tenantRulePaths(scratch, tenant), { tuning });
    return {
      packs: snap.packs.filter((p) => p.tenant === tenant).map((p) => p.name),
      rules: r.ruleSet.rules.length,
      correlations: r.ruleSet.correlations.length,
      rejected: r.allRejected.length,
      tuning,
      revision: snap.rev,
    };
  } finally {
    rmSync(scratch, { recursive: true, force: true });
    await store.close();
  }
}
