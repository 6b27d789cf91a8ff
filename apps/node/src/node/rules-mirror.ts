/**
 * @module
 * The shared rule packs of a PostgreSQL store, mirrored into a role's `--data` folder. Roles
 * compile rules from `<data>/rules/<tenant>/` as the embedded node does (`rules.ts`); the mirror
 * writes the store's packs there (`packs/<name>/`) and its tuning (`tuning.json`), so the one
 * loader serves both modes and a role keeps running on its last mirror while the store is away.
 * `<data>/rules/.store.json` remembers the revision and which packs came from the store: a pack
 * removed from the store is removed here, and a pack installed only locally is left alone.
 */
import { existsSync, mkdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { z } from 'zod';
import { TENANT_PATTERN } from '@intersoc/core';
import type { RulesSnapshot } from '@intersoc/storage/postgres';
import { parseTuning, rulesHome, writeTuning } from './rules.js';

const Marker = z.object({ rev: z.number(), packs: z.array(z.string()), tuning: z.array(z.string()) });
type Marker = z.infer<typeof Marker>;

const PACK_NAME = /^[\w.-]+$/;

function markerFile(data: string): string {
  return path.join(data, 'rules', '.store.json');
}

/** The revision last mirrored into `data` (-1: none). */
export function mirroredRevision(data: string): number {
  return readMarker(data)?.rev ?? -1;
}

function readMarker(data: string): Marker | undefined {
  try {
    return Marker.parse(JSON.parse(readFileSync(markerFile(data), 'utf8')));
  } catch {
    return undefined;
  }
}

/** What a mirror changed. */
export interface MirrorResult {
  readonly rev: number;
  readonly packs: number;
  readonly removed: number;
  /** Packs skipped with the reason (a tenant or pack name the node cannot use as a folder). */
  readonly skipped: readonly string[];
}

/**
 * Writes `snap` into `data`. Each pack is written to a temporary folder and renamed over the old
 * one, so a loader never sees half a pack.
 */
export function mirrorRules(snap: RulesSnapshot, data: string): MirrorResult {
  const before = readMarker(data);
  const packs: string[] = [];
  const skipped: string[] = [];
  for (const p of snap.packs) {
    if (!TENANT_PATTERN.test(p.tenant) || !PACK_NAME.test(p.name)) {
      skipped.push(`${p.tenant}/${p.name}: not a usable tenant or pack name`);
      continue;
    }
    const dest = path.join(rulesHome(data, p.tenant), 'packs', p.name);
    const tmp = `${dest}.mirror-${process.pid}`;
    rmSync(tmp, { recursive: true, force: true });
    for (const f of p.files) {
      const file = path.join(tmp, ...f.path.split('/'));
      // The store refuses such paths; a mirror re-checks, since it writes to disk what another wrote.
      if (!file.startsWith(tmp + path.sep)) {
        skipped.push(`${p.tenant}/${p.name}: file ${f.path} leaves the pack`);
        continue;
      }
      mkdirSync(path.dirname(file), { recursive: true });
      writeFileSync(file, f.text);
    }
    mkdirSync(tmp, { recursive: true });
    rmSync(dest, { recursive: true, force: true });
    mkdirSync(path.dirname(dest), { recursive: true });
    renameSync(tmp, dest);
    packs.push(`${p.tenant}/${p.name}`);
  }
  let removed = 0;
  for (const key of before?.packs ?? []) {
    if (packs.includes(key)) continue;
    const [tenant, name] = key.split('/');
    if (!tenant || !name || !TENANT_PATTERN.test(tenant) || !PACK_NAME.test(name)) continue;
    const dir = path.join(rulesHome(data, tenant), 'packs', name);
    if (existsSync(dir)) {
      rmSync(dir, { recursive: true, force: true });
      removed++;
    }
  }
  const tuned: string[] = [];
  for (const t of snap.tuning) {
    if (!TENANT_PATTERN.test(t.tenant)) continue;
    try {
      writeTuning(rulesHome(data, t.tenant), parseTuning(t.tuning, `tuning of tenant ${t.tenant} in the store`));
    } catch (err) {
      skipped.push((err as Error).message);
      continue;
    }
    tuned.push(t.tenant);
  }
  // Tuning the store no longer has goes back to none.
  for (const tenant of before?.tuning ?? [])
    if (!tuned.includes(tenant) && TENANT_PATTERN.test(tenant))
      rmSync(path.join(rulesHome(data, tenant), 'tuning.json'), { force: true });
  mkdirSync(path.dirname(markerFile(data)), { recursive: true });
  writeFileSync(markerFile(data), `${JSON.stringify({ rev: snap.rev, packs, tuning: tuned } satisfies Marker)}\n`);
  return { rev: snap.rev, packs: packs.length, removed, skipped };
}
