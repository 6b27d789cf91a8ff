/**
 * @module
 * Ingesting files through a pipeline with progress and a summary: the `ingest` command runs it
 * on its own pipeline, or a serving node runs it for that command (hand-over on the control
 * socket), so both report the same figures.
 */
import { existsSync, readdirSync, statSync } from 'node:fs';
import path from 'node:path';
import { z } from 'zod';
import { AppError, TENANT_PATTERN } from '@intersoc/core';
import type { Pipeline } from '../pipeline/pipeline.js';

/** What to ingest. */
export interface IngestFilesRequest {
  readonly files: readonly string[];
  readonly tenant: string;
  readonly format?: string;
  readonly label?: string;
}

/** Summary of one ingest run. */
export interface IngestSummary {
  readonly files: number;
  readonly failed: readonly { path: string; error: string }[];
  readonly bytes: number;
  readonly records: number;
  readonly events: number;
  /** Events newly committed (node-wide while this ran, when handed to a serving node). */
  readonly stored: number;
  readonly duplicates: number;
  readonly deadLetters: number;
  readonly alerts: number;
  readonly seconds: number;
}

/** Progress of a run: bytes read of all files, events parsed so far. */
export interface IngestProgress {
  readonly bytes: number;
  readonly totalBytes: number;
  readonly events: number;
}

const RequestSchema = z
  .object({
    files: z.array(z.string().min(1)).min(1).max(100_000),
    tenant: z.string().regex(TENANT_PATTERN, 'invalid tenant name'),
    format: z.string().min(1).optional(),
    label: z.string().min(1).max(200).optional(),
  })
  .strict();

/** Validates a hand-over request (the control socket's `ingest`). */
export function ingestRequest(args: unknown): IngestFilesRequest {
  const r = RequestSchema.safeParse(args);
  if (!r.success) throw new AppError('VALIDATION', `bad ingest request: ${r.error.issues[0]?.message ?? 'invalid'}`);
  const files = r.data.files.map((f) => path.resolve(f));
  for (const f of files) if (!existsSync(f)) throw new AppError('NOT_FOUND', `no such file: ${f}`);
  return {
    files,
    tenant: r.data.tenant,
    ...(r.data.format ? { format: r.data.format } : {}),
    ...(r.data.label ? { label: r.data.label } : {}),
  };
}

/** Expands files and directories (recursively) into a sorted list of absolute file paths. */
export function expandPaths(paths: readonly string[]): string[] {
  const out: string[] = [];
  const walk = (p: string): void => {
    const st = statSync(p);
    if (st.isDirectory()) for (const f of readdirSync(p).sort()) walk(path.join(p, f));
    else if (st.isFile()) out.push(path.resolve(p));
  };
  for (const p of paths) {
    if (!existsSync(p)) throw new AppError('NOT_FOUND', `no such file or directory: ${p}`);
    walk(p);
  }
  return out;
}

/** Ingests `req.files` (in parallel across workers) and waits until they are committed. */
export async function ingestFiles(
  pipeline: Pipeline,
  req: IngestFilesRequest,
  onProgress: (p: IngestProgress) => void = () => undefined,
): Promise<IngestSummary> {
  const totalBytes = req.files.reduce((a, f) => a + statSync(f).size, 0);
  const before = { ...pipeline.stats.stored };
  const started = Date.now();
  const done = new Map<string, number>();
  const failed: { path: string; error: string }[] = [];
  let records = 0;
  let events = 0;
  let deadLetters = 0;
  await Promise.all(
    req.files.map(async (f) => {
      try {
        const c = await pipeline.ingestFile(f, {
          tenant: req.tenant,
          ...(req.format ? { format: req.format } : {}),
          ...(req.label ? { label: req.label } : {}),
          onProgress: (bytes) => {
            done.set(f, bytes);
            onProgress({
              bytes: [...done.values()].reduce((a, b) => a + b, 0),
              totalBytes,
              events: events + pipeline.stats.parsed.events,
            });
          },
        });
        records += c.records;
        events += c.events;
        deadLetters += c.deadLetters;
      } catch (err) {
        failed.push({ path: f, error: (err as Error).message });
      }
    }),
  );
  await pipeline.flush();
  const after = pipeline.stats.stored;
  return {
    files: req.files.length,
    failed,
    bytes: totalBytes,
    records,
    events,
    stored: after.events - before.events,
    duplicates: after.duplicates - before.duplicates,
    deadLetters,
    alerts: after.alerts - before.alerts,
    seconds: (Date.now() - started) / 1000,
  };
}
