/**
 * @module
 * Where a node keeps its Sigma rules, and the per-tenant rule sets built from them:
 * `<data>/rules/<tenant>/packs/<pack>/` (installed trees) and `<data>/rules/<tenant>/tuning.json`
 * (disabled rules, level overrides, minimum alert level). Every tenant runs the starter pack plus
 * its own packs, tuned by its own tuning.
 */
import { existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { z } from 'zod';
import { AppError, SEVERITIES, TENANT_PATTERN, type Severity } from '@intersoc/core';
import { loadRuleSet, starterPackDir, type RuleTuning, type SigmaRuleSet } from '@intersoc/detect';

const Level = z.enum(SEVERITIES as [Severity, ...Severity[]]);
const TuningSchema = z
  .object({
    disabled: z.array(z.string()).optional(),
    levels: z.record(z.string(), Level).optional(),
    minLevel: Level.optional(),
  })
  .strict();

/** `<data>/rules/<tenant>`, validated. */
export function rulesHome(data: string, tenant: string): string {
  if (!TENANT_PATTERN.test(tenant)) throw new AppError('BAD_REQUEST', `invalid tenant "${tenant}"`);
  return path.join(data, 'rules', tenant);
}

/** Reads a tenant's tuning (empty when none); a malformed file is a CONFIG error naming the field. */
export function readTuning(home: string): RuleTuning {
  const file = path.join(home, 'tuning.json');
  if (!existsSync(file)) return {};
  let json: unknown;
  try {
    json = JSON.parse(readFileSync(file, 'utf8'));
  } catch (err) {
    throw new AppError('CONFIG', `cannot read ${file}: ${(err as Error).message}`);
  }
  return parseTuning(json, file);
}

/** Validates tuning read from `where` (a file, the store); a CONFIG error names the field. */
export function parseTuning(json: unknown, where: string): RuleTuning {
  const r = TuningSchema.safeParse(json);
  if (!r.success)
    throw new AppError(
      'CONFIG',
      `${where}: ${r.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ')}`,
    );
  return r.data as RuleTuning;
}

/** Writes a tenant's tuning. */
export function writeTuning(home: string, tuning: RuleTuning): void {
  mkdirSync(home, { recursive: true });
  writeFileSync(path.join(home, 'tuning.json'), `${JSON.stringify(tuning, null, 2)}\n`);
}

/** Rule folders of a tenant: the starter pack and every installed pack. */
export function tenantRulePaths(data: string, tenant: string): string[] {
  const packs = path.join(rulesHome(data, tenant), 'packs');
  const installed = existsSync(packs)
    ? readdirSync(packs)
        .sort()
        .map((p) => path.join(packs, p))
    : [];
  return [starterPackDir(), ...installed];
}

/** The rule sets a node runs: one per tenant with rules or tuning, and the starter pack for the rest. */
export interface NodeRuleSets {
  readonly fallback: SigmaRuleSet;
  readonly tenants: ReadonlyMap<string, SigmaRuleSet>;
}

/** Builds every tenant's rule set from the data folder. */
export function loadNodeRuleSets(data: string): NodeRuleSets {
  const tenants = new Map<string, SigmaRuleSet>();
  const root = path.join(data, 'rules');
  if (existsSync(root)) {
    for (const t of readdirSync(root).sort()) {
      if (!TENANT_PATTERN.test(t)) continue;
      tenants.set(t, loadRuleSet(tenantRulePaths(data, t), { tuning: readTuning(rulesHome(data, t)) }).ruleSet);
    }
  }
  return { fallback: loadRuleSet([starterPackDir()]).ruleSet, tenants };
}
