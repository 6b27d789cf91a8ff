/**
 * @module
 * `intersoc taxii pull|push`: the TAXII 2.1 client. `pull` pages through a collection and
 * resumes from the last date added it saw (kept in `--state`); `push` posts bundles in
 * envelopes sized to the API root's max_content_length and waits for the status; files that are
 * not STIX (a README in the folder) are skipped with a note.
 */
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import type { Command } from 'commander';
import { AppError } from '@intersoc/core';
import {
  readStixObjects,
  TaxiiClient,
  type TaxiiCredentials,
  type TaxiiCursorStore,
  type TaxiiStatus,
} from '@intersoc/cti';

interface AuthFlags {
  readonly user?: string;
  readonly password?: string;
  readonly token?: string;
  readonly json?: boolean;
}

function credentials(f: AuthFlags): TaxiiCredentials | undefined {
  const token = f.token ?? process.env['INTERSOC_TAXII_TOKEN'];
  if (token) return { token };
  const password = f.password ?? process.env['INTERSOC_TAXII_PASSWORD'];
  if (f.user) {
    if (password === undefined) throw new AppError('BAD_REQUEST', '--user needs --password or INTERSOC_TAXII_PASSWORD');
    return { user: f.user, password };
  }
  return undefined;
}

/** Cursors persisted in a JSON file. */
function fileCursors(file: string | undefined): TaxiiCursorStore {
  const state: Record<string, string> =
    file && existsSync(file) ? (JSON.parse(readFileSync(file, 'utf8')) as Record<string, string>) : {};
  return {
    get: (k) => state[k],
    set: (k, v) => {
      state[k] = v;
      if (file) writeFileSync(file, `${JSON.stringify(state, null, 2)}\n`);
    },
  };
}

function auth(cmd: Command): Command {
  return cmd
    .option('--user <name>', 'HTTP Basic user (password from --password or INTERSOC_TAXII_PASSWORD)')
    .option('--password <password>', 'HTTP Basic password')
    .option('--token <token>', 'bearer token (or INTERSOC_TAXII_TOKEN)')
    .option('--json', 'machine-readable output');
}

/** Adds the `taxii` subcommand group. */
export function register(program: Command): void {
  const taxii = program.command('taxii').description('TAXII 2.1 client');

  auth(
    taxii
      .command('pull')
      .description('pull a collection (paged; resumes from the last date added in --state)')
      .argument('<api-root>', 'API root URL, e.g. https://node/taxii2/default/')
      .requiredOption('--collection <id>', 'collection id or alias')
      .option('--added-after <timestamp>', 'start after this date_added (overrides the state)')
      .option('--type <types>', 'match[type], comma-separated')
      .option('--limit <n>', 'page size to ask for', '1000')
      .option('--state <file>', 'JSON file keeping the resume point per collection')
      .option('--out <file>', 'write the objects as a STIX bundle here'),
  ).action(
    async (
      root: string,
      f: AuthFlags & {
        collection: string;
        addedAfter?: string;
        type?: string;
        limit: string;
        state?: string;
        out?: string;
      },
    ) => {
      const client = new TaxiiClient(credentials(f));
      const r = await client.pull(root, f.collection, {
        cursors: fileCursors(f.state),
        pageSize: Number(f.limit),
        filters: { ...(f.addedAfter ? { added_after: f.addedAfter } : {}), ...(f.type ? { type: f.type } : {}) },
      });
      const bundle = { type: 'bundle', id: `bundle--${crypto.randomUUID()}`, objects: r.objects };
      if (f.out) writeFileSync(f.out, `${JSON.stringify(bundle)}\n`);
      const summary = {
        objects: r.objects.length,
        pages: r.pages,
        added_after: r.addedAfter ?? null,
        ...(f.out ? { out: f.out } : {}),
      };
      if (f.json && !f.out) process.stdout.write(`${JSON.stringify({ ...summary, bundle })}\n`);
      else
        process.stdout.write(
          f.json
            ? `${JSON.stringify(summary)}\n`
            : `pulled ${r.objects.length} objects in ${r.pages} pages; resume after ${r.addedAfter ?? '-'}\n`,
        );
    },
  );

  auth(
    taxii
      .command('push')
      .description('push STIX bundles or objects to a collection and wait for the status')
      .argument('<api-root>', 'API root URL')
      .argument('<files...>', 'STIX JSON files or directories')
      .requiredOption('--collection <id>', 'collection id or alias'),
  ).action(async (root: string, files: string[], f: AuthFlags & { collection: string }) => {
    const client = new TaxiiClient(credentials(f));
    for (const p of files) if (!existsSync(p)) throw new AppError('NOT_FOUND', `no such file or directory: ${p}`);
    const { objects, skipped } = readStixObjects(files);
    // A folder of intelligence may hold a README or other files: say what was left out, go on.
    if (!f.json) for (const s of skipped) process.stderr.write(`skipped ${s.path}: ${s.reason}\n`);
    if (objects.length === 0) {
      throw new AppError(
        'VALIDATION',
        `no STIX objects to push in ${files.join(', ')} (${skipped.length} files skipped)`,
      );
    }
    const info = await client.apiRoot(root);
    const max = info.max_content_length ?? 10_000_000;
    const statuses: TaxiiStatus[] = [];
    let chunk: unknown[] = [];
    let size = 20;
    const flush = async (): Promise<void> => {
      if (chunk.length === 0) return;
      const s = await client.push(root, f.collection, chunk);
      statuses.push(s.status === 'complete' ? s : await client.waitForStatus(root, s.id));
      chunk = [];
      size = 20;
    };
    for (const o of objects) {
      const n = Buffer.byteLength(JSON.stringify(o)) + 1;
      if (size + n > max) await flush();
      chunk.push(o);
      size += n;
    }
    await flush();
    const total = statuses.reduce(
      (a, s) => ({
        success: a.success + s.success_count,
        failure: a.failure + s.failure_count,
        pending: a.pending + s.pending_count,
      }),
      { success: 0, failure: 0, pending: 0 },
    );
    const out = {
      objects: objects.length,
      envelopes: statuses.length,
      ...total,
      status_ids: statuses.map((s) => s.id),
      skipped,
    };
    process.stdout.write(
      f.json
        ? `${JSON.stringify(out)}\n`
        : `pushed ${objects.length} objects in ${statuses.length} envelopes: ${total.success} ok, ${total.failure} failed, ${total.pending} pending\n`,
    );
    if (total.failure > 0) process.exitCode = 1;
  });
}
