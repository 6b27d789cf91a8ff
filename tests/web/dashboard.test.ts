/**
 * The analyst dashboard in a real browser (Debian's Chromium through playwright-core) against
 * a real node with demo data: log in, live alerts, alert detail to events, search, disabling a
 * rule, STIX import, the other views, tenant switching, and a viewer who cannot change anything.
 * Each view leaves a screenshot in tests/web/screenshots/.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import type { Page } from 'playwright-core';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { browserSuite, shot, SKIP_BROWSER, startWebHarness, type WebHarness } from './harness.js';

let h: WebHarness;
let analyst: Page;

beforeAll(async () => {
  h = await startWebHarness();
  analyst = await h.login('analyst');
}, 240_000);

afterEach(async (ctx) => {
  // A failed step leaves the analyst's page as it was, for CI to keep.
  if (ctx.task.result?.state === 'fail' && analyst && !analyst.isClosed()) {
    await shot(analyst, `failed-${ctx.task.name.replace(/[^a-z0-9]+/gi, '-').slice(0, 60)}`);
  }
});

afterAll(async () => {
  await h?.close();
});

/** A Sysmon process creation of `whoami` on a host of our own naming: the starter pack's whoami rule fires on it. */
function whoamiRecord(host: string): string {
  const now = new Date();
  return JSON.stringify({
    '@timestamp': now.toISOString(),
    EventTime: now.toISOString().replace('T', ' ').slice(0, 19),
    Hostname: host,
    Channel: 'Microsoft-Windows-Sysmon/Operational',
    SourceName: 'Microsoft-Windows-Sysmon',
    EventID: 1,
    UtcTime: now.toISOString().replace('T', ' ').slice(0, 23),
    ProcessGuid: `{7c23951e-5e08-6b07-1901-${String(now.getTime()).slice(-12)}}`,
    ProcessId: String(now.getTime() % 65536),
    Image: 'C:\\Windows\\System32\\whoami.exe',
    CommandLine: 'whoami /all',
    CurrentDirectory: 'C:\\Users\\eve\\',
    User: 'CORP\\eve',
    ParentImage: 'C:\\Windows\\System32\\cmd.exe',
    ParentCommandLine: 'cmd.exe /c whoami /all',
  });
}

/** Posts records through the HTTP ingest API with the page's session cookie. */
async function ingest(page: Page, body: string, format: string): Promise<void> {
  const r = await page.request.post(`${h.node.url}/api/ingest?format=${format}`, {
    // A change made with the cookie carries the dashboard's CSRF header, as the web app sends it.
    headers: { 'content-type': 'application/x-ndjson', 'x-requested-with': 'intersoc' },
    data: body,
  });
  expect(r.status()).toBe(202);
  expect(((await r.json()) as { accepted: number }).accepted).toBe(1);
}

describe.skipIf(SKIP_BROWSER)(browserSuite('analyst dashboard in Chromium'), () => {
  it('logs in with a node user and shows the overview of the demo data', async () => {
    const page = analyst;
    await page.getByText('Events in window').waitFor();
    const events = await page.locator('.kpi', { hasText: 'Events in window' }).locator('.kpi-value').innerText();
    expect(Number(events.replaceAll(',', ''))).toBe(h.demoEvents);
    await page.getByRole('heading', { name: 'Top rules' }).waitFor();
    await shot(page, 'overview');
    const cookies = await page.context().cookies();
    expect(cookies.find((c) => c.name === 'intersoc_session')?.httpOnly).toBe(true);
  });

  it('refuses a wrong password with a clear message', async () => {
    const page = await h.browser.newPage();
    await page.goto(h.node.url);
    await page.getByLabel('User name').fill('ana');
    await page.getByLabel('Password').fill('not the password');
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.getByRole('alert').filter({ hasText: 'not right' }).waitFor();
    await shot(page, 'login');
    await page.close();
  });

  it('shows alerts arriving live, without a reload', async () => {
    const page = analyst;
    await page.getByRole('link', { name: 'Alerts', exact: true }).click();
    const grid = page.getByRole('grid', { name: 'Alert queue' });
    await grid.waitFor();
    const host = `LIVE-${Date.now().toString(36).toUpperCase()}`;
    await ingest(page, whoamiRecord(host), 'windows');
    const fresh = page.locator('.row-fresh', { hasText: host });
    await fresh.waitFor({ timeout: 30_000 });
    expect(await fresh.innerText()).toContain('Account Discovery With Whoami');
    await page.getByText(/new since opened/).waitFor();
    await shot(page, 'alerts');
  });

  it('opens an alert, highlights the matched fields and jumps to its events', async () => {
    const page = analyst;
    const row = page.locator('.row-fresh', { hasText: 'Account Discovery With Whoami' }).first();
    await row.click();
    await page.keyboard.press('Enter');
    await page.getByRole('heading', { name: 'Account Discovery With Whoami', level: 1 }).waitFor();
    expect(page.url()).toMatch(/\/alerts\/[^/]+$/);
    await page.getByRole('heading', { name: /^Matched events \(1/ }).waitFor();
    await page.getByRole('heading', { name: 'Rule', exact: true }).waitFor();
    const marked = page.locator('tr.matched');
    await marked.first().waitFor();
    const matchedFields = await marked.locator('th').allInnerTexts();
    expect(matchedFields.join(' ')).toMatch(/Image|CommandLine|command_line|executable/);
    await page.getByRole('link', { name: 'T1033', exact: true }).waitFor();
    await shot(page, 'alert-detail');
    await page.getByRole('button', { name: /Open 1 event in search/ }).click();
    await page.getByRole('heading', { name: 'Event search', level: 1 }).waitFor();
    expect(decodeURIComponent(page.url())).toMatch(/q=_id:[0-9a-f]{32}/);
    const results = page.getByRole('grid', { name: 'Search results' });
    await results.getByRole('row').nth(1).waitFor();
    expect(await results.getByRole('row').count()).toBe(2);
    expect(await results.innerText()).toContain('whoami');
  });

  it('acknowledges and closes alerts in bulk with a reason', async () => {
    const page = analyst;
    // The queue is virtualised: filter to the rule so its group is in view.
    const q = encodeURIComponent('rule:"Account Discovery With Whoami"');
    await page.goto(`${h.node.url}/alerts?group=rule&q=${q}`);
    const grid = page.getByRole('grid', { name: 'Alert queue' });
    const group = grid.getByRole('row').filter({ hasText: 'Account Discovery With Whoami' }).first();
    await group.waitFor();
    await group.getByRole('checkbox').check();
    const selected = await page.getByText(/\d+ selected/).innerText();
    const count = Number(selected.split(' ')[0]?.replaceAll(',', ''));
    expect(count).toBeGreaterThan(0);
    await page.getByRole('button', { name: 'Close…' }).click();
    const dialog = page.getByRole('dialog');
    expect(await dialog.getByRole('button', { name: 'Close', exact: true }).isDisabled()).toBe(true);
    await dialog.getByRole('button', { name: 'False positive' }).click();
    await dialog.getByRole('button', { name: 'Close', exact: true }).click();
    await page.getByText(`${count} alert${count === 1 ? '' : 's'} closed.`).waitFor();
    const closed = await page.request.get(`${h.node.url}/api/triage/alerts?status=closed&limit=5000`);
    const items = (
      (await closed.json()) as {
        items: { alert: { detector: { ruleTitle: string } }; state: { reason: string; by: string } }[];
      }
    ).items;
    expect(items).toHaveLength(count);
    expect(items.every((i) => i.state.reason === 'False positive' && i.state.by === 'ana')).toBe(true);
  });

  it('runs a search with field autocomplete, a histogram and expandable records', async () => {
    const page = analyst;
    await page.goto(`${h.node.url}/search?range=24h`);
    const box = page.getByRole('combobox', { name: 'Query' });
    await box.click();
    await box.pressSequentially('event.co');
    await page
      .getByRole('option', { name: /event\.code/ })
      .first()
      .waitFor();
    // Tab takes the suggestion (Enter would run the search as typed).
    await page.keyboard.press('Tab');
    expect(await box.inputValue()).toBe('event.code:');
    await box.pressSequentially('4625');
    await page.keyboard.press('Escape');
    await page.keyboard.press('Enter');
    await page.waitForURL(/q=event\.code%3A4625/);
    const summary = page.getByText(/matching events/);
    await summary.waitFor();
    const total = Number((await summary.innerText()).split(' ')[0]?.replaceAll(',', ''));
    expect(total).toBeGreaterThan(0);
    await page.getByRole('img', { name: /Histogram of \d+ matching events/ }).waitFor();
    const results = page.getByRole('grid', { name: 'Search results' });
    await results.getByRole('row').nth(1).click();
    await page.keyboard.press('Enter');
    await page.getByRole('heading', { name: 'Raw record' }).waitFor();
    expect(await results.innerText()).toContain('4625');
    const csv = await page.getByRole('link', { name: 'Export CSV' }).getAttribute('href');
    expect(csv).toContain('format=csv');
    const exported = await page.request.get(`${h.node.url}${csv ?? ''}`);
    expect(exported.headers()['content-disposition']).toContain('.csv');
    expect((await exported.text()).trim().split('\n').length).toBe(total + 1);
    await shot(page, 'search');
  });

  it('disables a rule, and the change is stored', async () => {
    const page = analyst;
    await page.goto(`${h.node.url}/rules`);
    await page.getByPlaceholder('Filter by title, id or technique').fill('Whoami');
    const off = page.getByRole('switch', { name: 'Disable rule Account Discovery With Whoami' });
    await off.click();
    const on = page.getByRole('switch', { name: 'Enable rule Account Discovery With Whoami' });
    await on.waitFor();
    expect(await on.isChecked()).toBe(false);
    await page.reload();
    await page.getByPlaceholder('Filter by title, id or technique').fill('Whoami');
    await page.getByRole('switch', { name: 'Enable rule Account Discovery With Whoami' }).waitFor();
    const rules = (await (await page.request.get(`${h.node.url}/api/rules`)).json()) as {
      rules: { title: string; key: string; enabled: boolean }[];
    };
    const whoami = rules.rules.find((r) => r.title === 'Account Discovery With Whoami');
    expect(whoami?.enabled).toBe(false);
    const tuning = JSON.parse(readFileSync(path.join(h.dir, 'rules', 'default', 'tuning.json'), 'utf8')) as {
      disabled: string[];
    };
    expect(tuning.disabled).toContain(whoami?.key);
    // The running detectors reloaded: a new whoami on a fresh host is stored but raises nothing.
    const host = `QUIET-${Date.now().toString(36).toUpperCase()}`;
    await ingest(page, whoamiRecord(host), 'windows');
    for (let i = 0; ; i++) {
      const found = await page.request.get(`${h.node.url}/api/events?q=${encodeURIComponent(`host.name:${host}`)}`);
      if (((await found.json()) as { items: unknown[] }).items.length > 0) break;
      if (i > 100) throw new Error('the ingested event never became searchable');
      await page.waitForTimeout(200);
    }
    const quiet = await page.request.get(`${h.node.url}/api/triage/alerts?q=${encodeURIComponent(`host:${host}`)}`);
    expect(((await quiet.json()) as { items: unknown[] }).items).toEqual([]);
    await page.getByRole('row').filter({ hasText: 'Account Discovery With Whoami' }).click();
    await page.getByRole('region', { name: /Rule Account Discovery With Whoami/ }).waitFor();
    await shot(page, 'rules');
  });

  it('imports a STIX bundle and finds its indicator with its TLP and relationships', async () => {
    const page = analyst;
    const bundle = {
      type: 'bundle',
      id: 'bundle--5d0a3f0e-8a4c-4b8e-9a57-1f8f0e6d1a01',
      objects: [
        {
          type: 'indicator',
          spec_version: '2.1',
          id: 'indicator--0f9c3c66-7e9a-4b5e-9a1e-2c1d8b6f4a11',
          created: '2026-11-20T10:00:00.000Z',
          modified: '2026-11-20T10:00:00.000Z',
          name: 'E2E command-and-control address',
          pattern: "[ipv4-addr:value = '203.0.113.77']",
          pattern_type: 'stix',
          valid_from: '2026-11-20T10:00:00.000Z',
          object_marking_refs: ['marking-definition--55d920b0-5e8b-4f79-9ee9-91f868d9b421'],
        },
        {
          type: 'malware',
          spec_version: '2.1',
          id: 'malware--4b1f6a2e-1c3d-4e5f-8a9b-0c1d2e3f4a5b',
          created: '2026-11-20T10:00:00.000Z',
          modified: '2026-11-20T10:00:00.000Z',
          name: 'E2E implant',
          is_family: true,
        },
        {
          type: 'relationship',
          spec_version: '2.1',
          id: 'relationship--9e8d7c6b-5a4f-4e3d-9c2b-1a0f9e8d7c6b',
          created: '2026-11-20T10:00:00.000Z',
          modified: '2026-11-20T10:00:00.000Z',
          relationship_type: 'indicates',
          source_ref: 'indicator--0f9c3c66-7e9a-4b5e-9a1e-2c1d8b6f4a11',
          target_ref: 'malware--4b1f6a2e-1c3d-4e5f-8a9b-0c1d2e3f4a5b',
        },
        // Two hops from the indicator: found only by expanding the malware.
        {
          type: 'intrusion-set',
          spec_version: '2.1',
          id: 'intrusion-set--7a6b5c4d-3e2f-4a1b-9c8d-7e6f5a4b3c2d',
          created: '2026-11-20T10:00:00.000Z',
          modified: '2026-11-20T10:00:00.000Z',
          name: 'E2E crew',
        },
        {
          type: 'relationship',
          spec_version: '2.1',
          id: 'relationship--1b2c3d4e-5f6a-4b7c-8d9e-0f1a2b3c4d5e',
          created: '2026-11-20T10:00:00.000Z',
          modified: '2026-11-20T10:00:00.000Z',
          relationship_type: 'uses',
          source_ref: 'intrusion-set--7a6b5c4d-3e2f-4a1b-9c8d-7e6f5a4b3c2d',
          target_ref: 'malware--4b1f6a2e-1c3d-4e5f-8a9b-0c1d2e3f4a5b',
        },
      ],
    };
    await page.goto(`${h.node.url}/intel`);
    await page.getByText('Import a STIX bundle or MISP event').click();
    await page.getByLabel('…or paste JSON').fill(JSON.stringify(bundle));
    await page.getByRole('button', { name: 'Import', exact: true }).click();
    await page.getByText('5 added, 0 already known, 0 rejected').waitFor();
    await page.getByPlaceholder('name, value, pattern, id or label').fill('command-and-control');
    await page.keyboard.press('Enter');
    await page.waitForURL(/q=command-and-control/);
    const grid = page.getByRole('grid', { name: 'Intelligence objects' });
    // The unfiltered list (with the malware and the relationship) gives way to the search result.
    await grid.getByRole('row').filter({ hasText: 'E2E implant' }).waitFor({ state: 'detached' });
    const row = grid.getByRole('row').filter({ hasText: 'E2E command-and-control address' });
    await row.waitFor();
    expect(await grid.getByRole('row').count()).toBe(2);
    expect(await row.innerText()).toContain('TLP:AMBER');
    expect(await row.innerText()).toContain("[ipv4-addr:value = '203.0.113.77']");
    await row.click();
    const detail = page.getByRole('region', { name: /Object E2E command-and-control address/ });
    await detail.waitFor();
    await detail.getByRole('button', { name: 'malware: E2E implant', exact: true }).waitFor();
    await page
      .getByRole('img', { name: /Relationship graph of E2E command-and-control address with 1 related/ })
      .waitFor();
    // Step-by-step expansion: the crew is not shown until the malware is expanded.
    expect(await detail.getByRole('button', { name: 'intrusion-set: E2E crew', exact: true }).count()).toBe(0);
    await detail.getByRole('button', { name: 'Expand malware: E2E implant' }).click();
    await detail.getByRole('button', { name: 'intrusion-set: E2E crew', exact: true }).waitFor();
    await page
      .getByRole('img', { name: /Relationship graph of E2E command-and-control address with 2 related/ })
      .waitFor();
    expect(await detail.getByRole('listitem').filter({ hasText: 'E2E crew' }).innerText()).toContain('2 hop');
    await detail.getByRole('button', { name: /^Reset to / }).click();
    await detail.getByRole('button', { name: 'intrusion-set: E2E crew', exact: true }).waitFor({ state: 'detached' });
    await shot(page, 'intel');
    const exported = await page.request.get(`${h.node.url}/api/intel/export?format=stix`);
    const ids = ((await exported.json()) as { objects: { id: string }[] }).objects.map((o) => o.id);
    expect(ids).toEqual(expect.arrayContaining(bundle.objects.map((o) => o.id)));
  });

  it('shows the ATT&CK matrix, the SOC network state and node health', async () => {
    const page = analyst;
    await page.goto(`${h.node.url}/attack`);
    await page.getByRole('region', { name: 'ATT&CK matrix' }).waitFor();
    const discovery = page.getByRole('region', { name: /^Discovery: \d+ techniques/ });
    expect(await discovery.getByRole('link', { name: /^T1033 / }).count()).toBe(1);
    await shot(page, 'attack');
    await page.goto(`${h.node.url}/network`);
    await page.getByRole('heading', { name: 'Peering is not configured' }).waitFor();
    await shot(page, 'network');
    await page.goto(`${h.node.url}/health`);
    await page.getByRole('heading', { name: 'Pipeline stages' }).waitFor();
    await page.getByText('Storage (this tenant)').waitFor();
    await shot(page, 'health');
  });

  it('lets the operator switch tenants, and shows each tenant only its own data', async () => {
    const page = await h.login('operator');
    const switcher = page.getByLabel('Tenant to view (node operator)');
    await switcher.selectOption('acme');
    await page.getByRole('heading', { name: 'No events in this window' }).waitFor();
    await page.getByRole('link', { name: 'Alerts', exact: true }).click();
    await page.getByRole('heading', { name: 'No alerts match' }).waitFor();
    await switcher.selectOption('default');
    await page.getByRole('link', { name: 'Overview', exact: true }).click();
    await page.getByText('Events in window').waitFor();
    const acme = await h.login('acme');
    expect(await acme.getByLabel('Tenant to view (node operator)').count()).toBe(0);
    const own = await acme.request.get(`${h.node.url}/api/triage/alerts`);
    expect(((await own.json()) as { items: unknown[] }).items).toEqual([]);
    const foreign = await acme.request.get(`${h.node.url}/api/triage/alerts?tenant=default`);
    expect(foreign.status()).toBe(403);
    await page.context().close();
    await acme.context().close();
  });

  it('lets a viewer look at everything and change nothing', async () => {
    const page = await h.login('viewer');
    await page.getByText('Read-only', { exact: true }).waitFor();
    await page.getByRole('link', { name: 'Alerts', exact: true }).click();
    await page.getByRole('grid', { name: 'Alert queue' }).waitFor();
    expect(await page.getByRole('button', { name: 'Acknowledge' }).count()).toBe(0);
    expect(await page.getByRole('button', { name: 'Close…' }).count()).toBe(0);
    await page.getByText('Read-only: viewers cannot acknowledge or close alerts.').waitFor();
    await shot(page, 'alerts-viewer');
    await page.goto(`${h.node.url}/rules`);
    const firstSwitch = page.getByRole('switch').first();
    await firstSwitch.waitFor();
    expect(await firstSwitch.isDisabled()).toBe(true);
    expect(await page.getByRole('combobox', { name: /^Level of / }).count()).toBe(0);
    await page.goto(`${h.node.url}/intel`);
    await page.getByText('Read-only: viewers cannot import intelligence.').waitFor();
    expect(await page.getByText('Import a STIX bundle or MISP event').count()).toBe(0);
    // The API refuses the same changes, whatever the UI shows.
    const list = (await (await page.request.get(`${h.node.url}/api/triage/alerts?limit=1`)).json()) as {
      items: { alert: { id: string } }[];
    };
    const id = list.items[0]?.alert.id ?? 'none';
    const refusals = await Promise.all([
      page.request.post(`${h.node.url}/api/triage/alerts/status`, { data: { ids: [id], status: 'acknowledged' } }),
      page.request.patch(`${h.node.url}/api/rules/${encodeURIComponent('title:x')}`, { data: { enabled: false } }),
      page.request.post(`${h.node.url}/api/intel/import`, { data: { type: 'bundle', id: 'bundle--x', objects: [] } }),
      page.request.post(`${h.node.url}/api/ingest`, { data: '{"a":1}' }),
    ]);
    expect(refusals.map((r) => r.status())).toEqual([403, 403, 403, 403]);
    await page.context().close();
  });

  it('keeps the view on reload and serves the app shell for deep links', async () => {
    const page = analyst;
    await page.goto(`${h.node.url}/search?q=event.code%3A4625&range=24h`);
    await page.getByText(/matching events/).waitFor();
    await page.reload();
    expect(await page.getByRole('combobox', { name: 'Query' }).inputValue()).toBe('event.code:4625');
    const api404 = await page.request.get(`${h.node.url}/api/not-a-route`);
    expect(api404.status()).toBe(404);
    expect(((await api404.json()) as { error: { code: string } }).error.code).toBe('NOT_FOUND');
  });
});
