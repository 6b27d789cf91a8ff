/**
 * @module
 * `intersoc search QUERY`: searches the node's events with the query language, newest first.
 * Reads the store directly (a read-only WAL reader), so it works beside a running server.
 */
import path from 'node:path';
import type { Command } from 'commander';
import { isoTime, systemContext, type SocEvent } from '@intersoc/core';
import { EVENTS_DB_FILE, openEventReader } from '@intersoc/storage';
import { configFor, dataOptions, intArg, tenantArg, timeArg, type DataFlags } from '../node/options.js';
import { openCliPrivacy } from '../node/privacy-api.js';
import { createHydrator } from '../pipeline/hydrator.js';

interface SearchFlags extends DataFlags {
  readonly from?: string;
  readonly to?: string;
  readonly limit?: string;
  readonly tenant?: string;
  readonly cursor?: string;
  readonly alerts?: boolean;
  readonly as?: string;
}

/** One line per event for humans. */
function line(e: SocEvent): string {
  const host = e.ecs['host.name'] ?? '-';
  const code = e.ecs['event.code'] ?? '';
  const what = e.ecs['process.command_line'] ?? e.ecs['message'] ?? e.raw;
  return `${isoTime(e.time)} ${host} ${e.source.format}${code === '' ? '' : `/${code}`} ${String(what).replace(/\s+/g, ' ').slice(0, 160)}`;
}

/** Adds the `search` subcommand. */
export function register(program: Command): void {
  dataOptions(
    program
      .command('search')
      .description('search events (or alerts with --alerts) with the query language')
      .argument('[query]', "e.g. 'process.command_line:*mimikatz* AND host.name:WKS-01'", '')
      .option('--from <time>', 'start (ISO-8601, epoch, or relative like 24h)')
      .option('--to <time>', 'end (ISO-8601, epoch, or relative)')
      .option('--limit <n>', 'maximum results', '20')
      .option('--cursor <cursor>', 'continue after a previous page')
      .option('--tenant <name>', 'tenant to search')
      .option('--alerts', 'search alerts instead of events')
      .option(
        '--as <user>',
        'show results as this user of the tenant sees them (pseudonyms for the roles configured in privacy.pseudonymiseRoles)',
      ),
  ).action((query: string, flags: SearchFlags) => {
    const config = configFor(flags);
    const tenant = tenantArg(flags.tenant, config);
    const reader = openEventReader(path.join(config.data, EVENTS_DB_FILE), createHydrator());
    // Results pass the same privacy view as API answers: restricted subjects hidden, and pseudonyms
    // for a user (`--as`) whose role has pseudonymised triage.
    const privacy = openCliPrivacy(config);
    try {
      const viewer = flags.as === undefined ? systemContext(tenant) : privacy.contextOf(tenant, flags.as);
      const ctx = systemContext(tenant);
      const q = privacy.node.query(viewer, query);
      const limit = intArg('limit', flags.limit, 20);
      const from = timeArg('from', flags.from);
      const to = timeArg('to', flags.to);
      const req = { q, limit, ...(from === undefined ? {} : { from }), ...(to === undefined ? {} : { to }) };
      // A page can come back short when the scan budget runs out; keep going until full or done.
      let cursor = flags.cursor;
      const items: unknown[] = [];
      let scanned = 0;
      do {
        const page = flags.alerts
          ? reader.searchAlerts(ctx, { ...req, limit: limit - items.length, ...(cursor ? { cursor } : {}) })
          : reader.searchEvents(ctx, { ...req, limit: limit - items.length, ...(cursor ? { cursor } : {}) });
        items.push(...page.items);
        scanned += page.scannedEvents;
        cursor = page.next;
      } while (cursor && items.length < limit);
      const shown = privacy.node.shape(viewer, { items }).items;
      if (flags.json) {
        process.stdout.write(`${JSON.stringify({ items: shown, next: cursor ?? null, scanned })}\n`);
      } else {
        for (const it of shown) process.stdout.write(`${flags.alerts ? JSON.stringify(it) : line(it as SocEvent)}\n`);
        process.stderr.write(`${shown.length} result(s)${cursor ? `; more with --cursor ${cursor}` : ''}\n`);
      }
    } finally {
      privacy.close();
      reader.close();
    }
  });
}
