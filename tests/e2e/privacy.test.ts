/**
 * Data-subject requests end to end through the real CLI on simulated telemetry: export finds a
 * user's events, alerts and incident; erasure rewrites the compressed blocks, the term index, the
 * alerts and the incidents, keeps what a legal hold covers, and audits without the value;
 * afterwards `intersoc search NAME` finds nothing and no decoded raw record holds the name.
 */
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { decodeBlock, EVENTS_DB_FILE, NODE_DB_FILE, openDatabase } from '@intersoc/storage';
import { lastWorkingHour } from '@intersoc/node';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const CLI = path.join(ROOT, 'bin/intersoc');
const dir = mkdtempSync(path.join(tmpdir(), 'intersoc-privacy-'));
const data = path.join(dir, 'data');
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function run(...args: string[]): { out: string; err: string; status: number | null } {
  const r = spawnSync(process.execPath, [CLI, ...args, '--data', data], {
    encoding: 'utf8',
    timeout: 120_000,
    maxBuffer: 512 * 1024 * 1024,
  });
  return { out: r.stdout, err: r.stderr, status: r.status };
}

function json<T>(...args: string[]): T {
  const r = run(...args, '--json');
  expect(r.status, `${args.join(' ')}: ${r.err}`).toBe(0);
  expect(r.err).toBe('');
  return JSON.parse(r.out) as T;
}

/** Raw records (decoded blocks) and alert documents that mention `name`. */
function rawMentions(name: string, bounded = false): { events: number; alerts: number; total: number } {
  const db = openDatabase(path.join(data, EVENTS_DB_FILE), { readonly: true });
  try {
    // Bounded: the account itself, not a longer one (`bferreira`, not `bferreira2`); a JSON escape
    // such as `\t` before the name still bounds it.
    const re = bounded
      ? new RegExp(`(?:(?<![A-Za-z0-9_])|(?<=\\\\[nrt]))${name}(?![A-Za-z0-9_])`, 'i')
      : new RegExp(name, 'i');
    let events = 0;
    let total = 0;
    for (const b of db.prepare('SELECT codec, data FROM blocks').all() as { codec: number; data: Uint8Array }[])
      for (const e of decodeBlock(b.codec, b.data)) {
        total++;
        if (re.test(e.raw) || re.test(e.context ?? '')) events++;
      }
    const alerts = (db.prepare('SELECT doc FROM alerts').all() as { doc: string }[]).filter((a) =>
      re.test(a.doc),
    ).length;
    return { events, alerts, total };
  } finally {
    db.close();
  }
}

type Counts = Record<string, number>;

describe('intersoc privacy export and erase', () => {
  let eventsBefore = 0;
  beforeAll(() => {
    // Ends in office hours: an evening or weekend run would find kschmidt away from work.
    const end = new Date(lastWorkingHour(Date.now())).toISOString();
    const demo = json<{ stored: number }>('demo', '--hours', '2', '--seed', '1', '--end', end);
    eventsBefore = demo.stored;
    expect(eventsBefore).toBeGreaterThan(1000);
  }, 120_000);

  it('exports everything about a user: events, alerts, incidents, and a readable report', () => {
    const x = json<{ subject: string; counts: Counts; items: { kind: string }[]; files: string[] }>(
      'privacy',
      'export',
      '--subject',
      'user:kschmidt',
    );
    expect(x.subject).toBe('user:kschmidt');
    const search = json<{ items: unknown[] }>('search', 'kschmidt', '--limit', '10000');
    expect(x.counts['events']).toBe(search.items.length);
    expect(x.counts['events']).toBeGreaterThan(0);
    expect(x.counts['alerts']).toBeGreaterThan(0);
    expect(x.counts['incidents']).toBeGreaterThan(0);
    expect(x.items.length).toBe(Object.values(x.counts).reduce((a, b) => a + b, 0));
    const md = readFileSync(x.files.find((f) => f.endsWith('.md')) as string, 'utf8');
    expect(md).toContain('What this SOC holds about user:kschmidt');
  });

  it('search --json as a user whose role has pseudonymised triage shows no real inventory value', () => {
    writeFileSync(path.join(data, 'intersoc.json'), JSON.stringify({ privacy: { pseudonymiseRoles: ['viewer'] } }));
    const add = run('admin', 'user', 'add', 'vera', '--role', 'viewer', '--no-password', '--json');
    expect(add.status, add.err).toBe(0);
    type Page = { items: { ecs: Record<string, unknown> }[] };
    const real = json<Page>('search', 'kschmidt', '--limit', '200');
    const seen = json<Page>('search', 'kschmidt', '--limit', '200', '--as', 'vera');
    expect(seen.items).toHaveLength(real.items.length);
    const text = JSON.stringify(seen).toLowerCase();
    expect(text).not.toMatch(/(?<![a-z0-9_])kschmidt(?![a-z0-9_])/);
    // Every user.name and workstation host.name the analyst would see is a pseudonym now.
    for (const [i, e] of real.items.entries()) {
      const shown = seen.items[i]?.ecs ?? {};
      if (typeof e.ecs['user.name'] === 'string' && e.ecs['user.name'] !== 'SYSTEM')
        expect(String(shown['user.name'])).toMatch(/user-[0-9a-f]{8}/);
      if (typeof e.ecs['host.name'] === 'string' && /^wks-/i.test(e.ecs['host.name']))
        expect(String(shown['host.name'])).toMatch(/^host-[0-9a-f]{8}/);
    }
    // The operator's own search is unchanged.
    expect(JSON.stringify(real).toLowerCase()).toContain('kschmidt');
    rmSync(path.join(data, 'intersoc.json'));
  });

  it('restricts a subject: stored, not shown by search until the restriction is lifted', () => {
    const before = json<{ items: unknown[] }>('search', 'wgarcia', '--limit', '50').items.length;
    expect(before).toBeGreaterThan(0);
    json('privacy', 'restrict', '--subject', 'user:wgarcia', '--reason', 'Art. 18 request');
    expect(json<{ items: unknown[] }>('search', 'wgarcia', '--limit', '50').items).toHaveLength(0);
    expect(json<{ subject: string }[]>('privacy', 'restrictions').map((r) => r.subject)).toEqual(['user:wgarcia']);
    // Still stored: the subject access export finds the events.
    const x = json<{ counts: Counts }>('privacy', 'export', '--subject', 'user:wgarcia');
    expect(x.counts['events']).toBeGreaterThan(0);
    json('privacy', 'lift', '--subject', 'user:wgarcia');
    expect(json<{ items: unknown[] }>('search', 'wgarcia', '--limit', '50').items).toHaveLength(before);
  });

  it('erases a user: search and the raw records find nothing, the audit log keeps no value', () => {
    const before = rawMentions('kschmidt');
    expect(before.events).toBeGreaterThan(0);
    const r = json<{ erased: Counts; held: { kind: string; reason: string }[] }>(
      'privacy',
      'erase',
      '--subject',
      'user:kschmidt',
      '--reason',
      'Art. 17 request by kschmidt, ticket 42',
    );
    expect(r.held).toEqual([]);
    expect(r.erased['events']).toBe(before.events);
    expect(r.erased['alerts']).toBeGreaterThan(0);
    expect(r.erased['incidents']).toBeGreaterThan(0);
    expect(r.erased['blocks']).toBeGreaterThan(0);

    expect(json<{ items: unknown[] }>('search', 'kschmidt', '--limit', '10000').items).toHaveLength(0);
    expect(json<{ items: unknown[] }>('search', 'kschmidt', '--alerts', '--limit', '10000').items).toHaveLength(0);
    // Every block decoded: no raw record or alert names the user, and no event was lost.
    expect(rawMentions('kschmidt')).toEqual({ events: 0, alerts: 0, total: before.total });
    // The node database (incidents, assets, audit) holds no byte of the name, nor do old reports.
    const nodeDb = readFileSync(path.join(data, NODE_DB_FILE)).toString('latin1');
    expect(nodeDb.toLowerCase()).not.toContain('kschmidt');
    const reports = path.join(data, 'privacy', 'exports');
    for (const f of readdirSync(reports))
      expect(readFileSync(path.join(reports, f), 'utf8').toLowerCase(), f).not.toContain('kschmidt');
    // The audit log says an erasure happened, not whose.
    const audit = run('admin', 'audit', 'list', '--json');
    expect(audit.out).toContain('privacy.erase');
    expect(audit.out.toLowerCase()).not.toContain('kschmidt');
    // An export afterwards finds nothing.
    const x = json<{ counts: Counts }>('privacy', 'export', '--subject', 'user:kschmidt');
    expect(Object.values(x.counts).every((n) => n === 0)).toBe(true);
  }, 120_000);

  it('keeps what an open case holds, with the reason, and erases the rest', () => {
    const incidents = json<{ id: string; users?: string[] }[]>('incidents', 'list');
    const held = incidents.find((i) => (i.users ?? []).some((u) => /wgarcia/i.test(u)));
    expect(held).toBeDefined();
    const opened = run('cases', 'open', held?.id ?? '', '--json');
    expect(opened.status, opened.err).toBe(0);
    const before = rawMentions('wgarcia');
    const r = json<{ erased: Counts; held: { kind: string; id: string; reason: string }[] }>(
      'privacy',
      'erase',
      '--subject',
      'user:wgarcia',
    );
    const heldIncidents = r.held.filter((h) => h.kind === 'incidents');
    expect(heldIncidents.map((h) => h.id)).toContain(held?.id);
    expect(heldIncidents[0]?.reason).toMatch(/open/);
    const heldEvents = r.held.filter((h) => h.kind === 'events').length;
    expect(heldEvents).toBeGreaterThan(0);
    expect(r.erased['events']).toBe(before.events - heldEvents);
    // Held events still name the user; every other one is erased.
    expect(rawMentions('wgarcia').events).toBe(heldEvents);
  }, 120_000);

  it('hands the erasure to a running node, whose writer rewrites the event store', async () => {
    writeFileSync(
      path.join(data, 'intersoc.json'),
      JSON.stringify({
        http: { port: 0 },
        syslog: { enabled: false },
        ingest: { workers: 1 },
        log: { level: 'silent' },
      }),
    );
    const info = path.join(data, 'writer.json');
    rmSync(info, { force: true });
    const child = spawn(process.execPath, [CLI, 'serve', '--data', data], { stdio: ['ignore', 'ignore', 'pipe'] });
    let stderr = '';
    child.stderr?.on('data', (b: Buffer) => (stderr += b.toString()));
    try {
      const end = Date.now() + 60_000;
      for (;;) {
        if (existsSync(info)) {
          const w = JSON.parse(readFileSync(info, 'utf8')) as { pid: number; url?: string };
          if (w.pid === child.pid && w.url) break;
        }
        if (child.exitCode !== null || Date.now() > end) throw new Error(`serve did not start: ${stderr}`);
        await new Promise((r) => setTimeout(r, 100));
      }
      const before = rawMentions('bferreira', true);
      expect(before.events).toBeGreaterThan(0);
      const r = json<{ erased: Counts; held: { kind: string }[]; handedTo?: string }>(
        'privacy',
        'erase',
        '--subject',
        'user:bferreira',
      );
      expect(r.handedTo).toMatch(/running node/);
      // The case opened above still holds its incident's evidence; everything else is erased.
      const held = r.held.filter((h) => h.kind === 'events').length;
      expect(r.erased['events']).toBe(before.events - held);
      expect(r.erased['events']).toBeGreaterThan(0);
      // Token-bounded: `bferreira2`, another account, keeps its events.
      const after = rawMentions('bferreira', true);
      expect(after).toEqual({ events: held, alerts: after.alerts, total: before.total });
      if (held === 0) expect(after.alerts).toBe(0);
      if (held === 0)
        expect(json<{ items: unknown[] }>('search', 'bferreira', '--limit', '10000').items).toHaveLength(0);
    } finally {
      if (child.exitCode === null) {
        const exited = new Promise((res) => child.once('exit', res));
        child.kill('SIGTERM');
        const kill = setTimeout(() => child.kill('SIGKILL'), 15_000);
        await exited;
        clearTimeout(kill);
      }
      rmSync(path.join(data, 'intersoc.json'), { force: true });
    }
  }, 120_000);

  it('prints the Art. 30 record from the configuration', () => {
    const md = run('privacy', 'record', '--format', 'md');
    expect(md.status).toBe(0);
    expect(md.out).toContain('Record of processing activities');
    expect(md.out).toContain('`user.*`');
    const rec = json<{ categories: { field: string }[]; recipients: unknown[] }>('privacy', 'record');
    expect(rec.categories.map((c) => c.field)).toContain('host.name');
  });
});
