/**
 * The analyst's day in Chromium, on the 2-hour seed-7 demo against a real node: the five daily
 * tasks, each played through the dashboard by clicking the links an analyst would click.
 *
 * 1. Find the worst incident and its story (queue → incident: ATT&CK chain, graph, timeline).
 * 2. Bulk-triage a noisy rule (queue grouped by rule → "select all N" → Close with a reason).
 * 3. Pivot from an alert to its process tree and its host page, then to the host's events ±5 min.
 * 4. Check an indicator (a known address marked on the alert → the indicator in the CTI view).
 * 5. Work a case with tasks to closure (open from the incident, add a task, tick every task,
 *    resolve and close).
 *
 * Every link followed must land on a live view: a heading, content, and no error state.
 */
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { browserSuite, shot, SKIP_BROWSER, startWebHarness, type WebHarness } from './harness.js';

let h: WebHarness;
let analyst: Page;
/** Every in-app address a step followed, with the view's first heading there. */
const followed: { step: string; url: string; heading: string }[] = [];

interface Entity {
  readonly type: string;
  readonly value: string;
  readonly role?: string;
}
interface Triaged {
  readonly alert: {
    id: string;
    time: number;
    detector: { ruleId: string; ruleTitle: string };
    entities: Entity[];
    eventIds: string[];
  };
  readonly state: { status: string; reason?: string };
  readonly intel?: { id: string; value: string }[];
}

beforeAll(async () => {
  // Two hours of the seed-7 demo hold the RDP intrusion (PsExec to the domain controller).
  h = await startWebHarness({ demoHours: 2 });
  analyst = await h.login('analyst');
}, 240_000);

afterAll(async () => {
  await h?.close();
});

async function getJson<T>(page: Page, path: string): Promise<T> {
  const r = await page.request.get(`${h.node.url}${path}`);
  expect(r.status(), path).toBe(200);
  return (await r.json()) as T;
}

async function alerts(page: Page, q: string, status = 'new,acknowledged,closed'): Promise<Triaged[]> {
  return (
    await getJson<{ items: Triaged[] }>(
      page,
      `/api/triage/alerts?limit=5000&status=${status}&q=${encodeURIComponent(q)}`,
    )
  ).items;
}

/**
 * The page shows a live view: no loading or error state, a first-level heading, and content in
 * the main area. Records the address as followed by `step`.
 */
async function alive(page: Page, step: string): Promise<string> {
  const main = page.locator('main#main');
  await main.waitFor();
  await main.locator('.state-loading').first().waitFor({ state: 'detached', timeout: 60_000 });
  expect(await main.locator('.state-error').count(), `error state at ${page.url()}`).toBe(0);
  const heading = (await main.locator('h1').first().textContent({ timeout: 10_000 }))?.trim() ?? '';
  expect(heading.length, `no heading at ${page.url()}`).toBeGreaterThan(0);
  const text = (await main.innerText()).trim();
  expect(text.length, `empty view at ${page.url()}`).toBeGreaterThan(heading.length + 20);
  followed.push({ step, url: page.url().replace(h.node.url, ''), heading });
  return heading;
}

/** Clicks a link, checks that its address is the one the page changes to, and that the view there is live. */
async function follow(page: Page, link: ReturnType<Page['locator']>, step: string): Promise<string> {
  const target = (await link.getAttribute('href')) ?? '';
  expect(target, 'link without an address').toMatch(/^\//);
  await link.click();
  await page.waitForURL((u) => `${u.pathname}${u.search}` === target, { timeout: 15_000 });
  return alive(page, step);
}

async function incidentsReady(page: Page): Promise<void> {
  for (let i = 0; i < 120; i++) {
    const r = await getJson<{ items: unknown[] }>(page, '/api/incidents?limit=10');
    if (r.items.length > 0) return;
    await page.waitForTimeout(500);
  }
  throw new Error('no incident was built from the demo');
}

let worstIncident = '';

describe.skipIf(SKIP_BROWSER)(browserSuite("an analyst's day in Chromium"), () => {
  it('1. finds the worst incident and reads its story', async () => {
    const page = analyst;
    await incidentsReady(page);
    const all = await getJson<{ items: { id: string; score: number; title: string }[] }>(
      page,
      '/api/incidents?limit=1000&status=open,case',
    );
    const worst = [...all.items].sort((a, b) => b.score - a.score)[0];
    expect(worst).toBeDefined();
    await page.goto(`${h.node.url}/incidents`);
    expect(await alive(page, 'worst incident')).toBe('Incidents');
    const first = page.getByRole('table', { name: 'Incident queue' }).locator('tbody tr').first();
    // The queue puts the worst incident first.
    expect(await first.locator('td.num').first().textContent()).toBe(String(worst?.score));
    expect(await follow(page, first.getByRole('link').first(), 'worst incident')).toBe(worst?.title);
    worstIncident = page.url();
    for (const part of ['What happened', 'ATT&CK chain', 'Entity graph', 'Timeline']) {
      await page.getByRole('heading', { name: part }).waitFor();
    }
    expect(await page.getByRole('table', { name: 'Incident timeline' }).locator('tbody tr').count()).toBeGreaterThan(0);
    // The story's host leads to the host's page.
    const hostLink = page.locator('table.kv tr', { hasText: 'Hosts' }).getByRole('link').first();
    if ((await hostLink.count()) > 0) {
      const name = (await hostLink.textContent())?.trim().toLowerCase() ?? '';
      const heading = await follow(page, hostLink, 'worst incident');
      expect(name.startsWith(heading)).toBe(true);
      await page.getByRole('table', { name: /^Incidents of / }).waitFor();
    }
    await shot(page, 'day-1-worst-incident');
  });

  it('2. bulk-triages a noisy rule from the queue grouped by rule', async () => {
    const page = analyst;
    const open = await alerts(page, '', 'new');
    const byRule = new Map<string, Triaged[]>();
    for (const a of open) byRule.set(a.alert.detector.ruleId, [...(byRule.get(a.alert.detector.ruleId) ?? []), a]);
    const [ruleId, noisy] = [...byRule.entries()].sort((a, b) => b[1].length - a[1].length)[0] ?? ['', []];
    expect(noisy.length).toBeGreaterThan(1);
    const title = noisy[0]?.alert.detector.ruleTitle ?? '';
    await page.goto(`${h.node.url}/alerts?group=rule&status=new`);
    expect(await alive(page, 'bulk triage')).toBe('Alerts');
    const group = page.locator('[role="row"]', { hasText: title }).first();
    await group.getByRole('button', { name: `select all ${noisy.length}` }).click();
    await page.getByText(`${noisy.length.toLocaleString('en-US')} selected`).waitFor();
    await page.getByRole('button', { name: 'Close…' }).click();
    const dialog = page.getByRole('dialog');
    await dialog.locator('textarea[name="reason"]').fill('false positive: noisy rule, tuned');
    await dialog.getByRole('button', { name: 'Close', exact: true }).click();
    await page.getByText(`${noisy.length} alerts closed.`).waitFor();
    const after = (await alerts(page, '')).filter((a) => a.alert.detector.ruleId === ruleId);
    expect(after.filter((a) => noisy.some((n) => n.alert.id === a.alert.id)).map((a) => a.state.status)).toEqual(
      noisy.map(() => 'closed'),
    );
    await shot(page, 'day-2-bulk-triage');
  });

  it('3. pivots from an alert to its process tree, its host page and the events around it', async () => {
    const page = analyst;
    const psexec = (await alerts(page, 'rule:*psexec*')).find((a) => a.alert.entities.some((e) => e.type === 'host'));
    expect(psexec).toBeDefined();
    const a = psexec!.alert;
    await page.goto(`${h.node.url}/alerts?q=${encodeURIComponent('rule:*psexec*')}&status=new,acknowledged,closed`);
    await alive(page, 'pivot');
    const row = page.locator('[role="row"]', { hasText: a.detector.ruleTitle }).first();
    await row.dblclick();
    await page.getByRole('heading', { name: a.detector.ruleTitle, level: 1 }).waitFor();
    await alive(page, 'pivot');
    await page.getByRole('button', { name: 'Show the process tree' }).click();
    const tree = page.locator('section.panel', { has: page.getByRole('heading', { name: 'Process tree' }) });
    await tree.locator('li.proc-self').waitFor({ timeout: 60_000 });
    expect(await tree.locator('li.proc').count()).toBeGreaterThanOrEqual(2);
    await shot(page, 'day-3-process-tree');
    const host = a.entities.find((e) => e.type === 'host')!;
    const heading = await follow(page, page.getByRole('link', { name: `Host page of ${host.value}` }), 'pivot');
    expect(host.value.toLowerCase().startsWith(heading)).toBe(true);
    await page.getByRole('heading', { name: 'At a glance' }).waitFor();
    expect(
      await page
        .getByRole('table', { name: `Alerts of ${heading}` })
        .locator('tbody tr')
        .count(),
    ).toBeGreaterThan(0);
    expect(await page.getByRole('list', { name: 'Sources' }).locator('li').count()).toBeGreaterThan(0);
    await shot(page, 'day-3-host-page');
    // The events five minutes either side of the alert.
    const alertRow = page
      .getByRole('table', { name: `Alerts of ${heading}` })
      .locator('tbody tr', { has: page.locator(`a[href="/alerts/${encodeURIComponent(a.id)}"]`) });
    await follow(page, alertRow.getByRole('link', { name: '±5 min' }), 'pivot');
    const range = new URL(page.url()).searchParams.get('range') ?? '';
    const [from, to] = range.split('~').map(Number);
    expect((to ?? 0) - (from ?? 0)).toBe(10 * 60_000);
    const histogram = page.getByRole('region', { name: 'Matches over time' });
    await histogram.waitFor({ timeout: 60_000 });
    // The alert's own events lie in that window.
    expect(await histogram.locator('strong').first().textContent()).not.toBe('0');
    expect(await page.getByRole('grid', { name: 'Search results' }).locator('[role="row"]').count()).toBeGreaterThan(1);
    await shot(page, 'day-3-events-around');
    // Narrow down from the field sidebar: leaving out the commonest value of the first field.
    const sidebar = page.getByRole('complementary', { name: 'Fields' });
    await sidebar.locator('details summary').first().click();
    const before = new URL(page.url()).searchParams.get('q') ?? '';
    await sidebar
      .getByRole('button', { name: /^Filter out / })
      .first()
      .click();
    await page.waitForURL((u) => (u.searchParams.get('q') ?? '').startsWith(`${before} AND NOT `));
    await alive(page, 'pivot');
    // Save this search under a name: it is offered again after a reload (this browser keeps it).
    page.once('dialog', (d) => void d.accept('dc-01 around the PsExec'));
    await page.getByRole('button', { name: 'Save query' }).click();
    const saved = page.getByRole('combobox', { name: 'Run a saved search' });
    await expect.poll(() => saved.inputValue()).toBe('dc-01 around the PsExec');
    await page.reload();
    await alive(page, 'pivot');
    expect(await saved.locator('option', { hasText: 'dc-01 around the PsExec' }).count()).toBe(1);
    // Enter runs the search even while the autocomplete list is open.
    const box = page.getByRole('combobox', { name: 'Query', exact: true });
    await box.fill('host.na');
    await page.getByRole('listbox', { name: 'Suggestions' }).getByRole('option').first().waitFor();
    await box.press('Enter');
    await page.waitForURL((u) => u.searchParams.get('q') === 'host.na');
  });

  it('4. checks an indicator: the known address on an alert leads to its indicator', async () => {
    const page = analyst;
    const withIp = (await alerts(page, '')).find((a) => a.alert.entities.some((e) => e.type === 'ip'));
    expect(withIp).toBeDefined();
    const ip = withIp!.alert.entities.find((e) => e.type === 'ip')!.value;
    const now = new Date().toISOString();
    const bundle = {
      type: 'bundle',
      id: 'bundle--2f1e7c1a-3b5d-4f6e-9a7b-0c1d2e3f4a5b',
      objects: [
        {
          type: 'indicator',
          spec_version: '2.1',
          id: 'indicator--7d9c2b1e-5a4f-4e3d-8c2b-1a0f9e8d7c6b',
          created: now,
          modified: now,
          name: `Analyst day C2 ${ip}`,
          pattern: `[ipv4-addr:value = '${ip}']`,
          pattern_type: 'stix',
          valid_from: now,
          confidence: 80,
        },
      ],
    };
    const imported = await page.request.post(`${h.node.url}/api/intel/import?format=stix`, {
      data: bundle,
      headers: { 'x-requested-with': 'intersoc' },
    });
    expect(imported.status()).toBe(200);
    await page.goto(`${h.node.url}/alerts/${encodeURIComponent(withIp!.alert.id)}`);
    await alive(page, 'indicator');
    await page.getByRole('list', { name: 'Known indicators' }).waitFor();
    // The lookup link of the address finds the indicator in the CTI view.
    await follow(page, page.getByRole('link', { name: `Look up ${ip} in threat intelligence` }), 'indicator');
    await page.getByRole('grid', { name: 'Intelligence objects' }).getByText(`Analyst day C2 ${ip}`).waitFor();
    await page.goBack();
    await alive(page, 'indicator');
    await follow(
      page,
      page.getByRole('list', { name: 'Known indicators' }).getByRole('link', { name: `Analyst day C2 ${ip}` }),
      'indicator',
    );
    await page.getByRole('region', { name: `Object Analyst day C2 ${ip}` }).waitFor();
    await shot(page, 'day-4-indicator');
  });

  it('5. works a case with tasks to closure', async () => {
    const page = analyst;
    expect(worstIncident).not.toBe('');
    await page.goto(worstIncident);
    await alive(page, 'case');
    const openCase = page.getByRole('button', { name: 'Open case' });
    if ((await openCase.count()) > 0) {
      await openCase.click();
      await page.waitForURL(/\/cases\/[0-9a-f]+$/);
    } else {
      // The worst incident already sits in a case (a detector of the demo opened it): open that one.
      await follow(page, page.locator('.detail-head').getByRole('link', { name: 'Case' }), 'case');
    }
    await alive(page, 'case');
    const caseId = new URL(page.url()).pathname.split('/').pop() ?? '';
    const tasks = page.getByRole('region', { name: 'Tasks' });
    await tasks.waitFor();
    // Add a task: through the case's own form when it has one, else through the API (and reload).
    const addForm = page.getByRole('form', { name: 'Add a task' });
    if ((await addForm.count()) > 0) {
      await addForm.getByRole('textbox').first().fill('Reset the administrator password');
      await addForm.getByRole('button').last().click();
      console.log('case: task added through the case view');
    } else {
      console.log('case: the case view has no task form; task added through the API');
      const r = await page.request.post(`${h.node.url}/api/cases/${caseId}/tasks`, {
        data: { title: 'Reset the administrator password' },
        headers: { 'x-requested-with': 'intersoc' },
      });
      expect(r.status()).toBeLessThan(300);
      await page.reload();
    }
    await tasks.getByText('Reset the administrator password').first().waitFor();
    const start = page.getByRole('button', { name: 'Start work' });
    if ((await start.count()) > 0) {
      await start.click();
      await page.locator('.detail-head').getByText('in-progress', { exact: true }).waitFor();
    }
    // Tick every task.
    const boxes = tasks.getByRole('checkbox');
    const n = await boxes.count();
    expect(n).toBeGreaterThan(1);
    for (let i = 0; i < n; i++) {
      const box = boxes.nth(i);
      if (!(await box.isChecked())) {
        await box.click();
        await expect.poll(() => box.isChecked(), { timeout: 10_000 }).toBe(true);
      }
    }
    const detail = await getJson<{ tasks: { status: string }[] }>(page, `/api/cases/${caseId}`);
    expect(detail.tasks.length).toBe(n);
    expect(detail.tasks.every((t) => t.status === 'done' || t.status === 'skipped')).toBe(true);
    await page.getByRole('button', { name: 'Resolve' }).click();
    await page.locator('.detail-head').getByText('resolved', { exact: true }).waitFor();
    await page.getByRole('button', { name: 'Close', exact: true }).click();
    await page.locator('.detail-head').getByText('closed', { exact: true }).waitFor();
    const closed = await getJson<{ case: { status: string; resolution?: string } }>(page, `/api/cases/${caseId}`);
    expect(closed.case.status).toBe('closed');
    expect(closed.case.resolution).toBe('true-positive');
    await alive(page, 'case');
    await shot(page, 'day-5-case-closed');
  });

  it('shows incidents, open cases and NIS2 due dates on the overview, and all 14 tactics at 1440 px', async () => {
    const page = analyst;
    await page.goto(`${h.node.url}/`);
    expect(await alive(page, 'overview')).toBe('Overview');
    for (const name of ['Open incidents', 'Open cases', 'NIS2 due dates']) {
      await page.getByRole('region', { name }).waitFor();
    }
    await page.getByRole('region', { name: 'Open incidents' }).locator('li a').first().waitFor();
    // Top rules show the rule's title on hover, not only its id.
    const rule = page.locator('section.panel', { hasText: 'Top rules' }).locator('a.toplist-link').first();
    const hover = (await rule.getAttribute('title')) ?? '';
    expect(hover).toContain((await rule.locator('.toplist-label').textContent()) ?? '?');
    await shot(page, 'day-overview');
    await page.goto(`${h.node.url}/attack`);
    await alive(page, 'overview');
    const cols = page.getByRole('region', { name: 'ATT&CK matrix' }).locator('section.matrix-col');
    await cols.first().waitFor();
    expect(await cols.count()).toBeGreaterThanOrEqual(14);
    for (let i = 0; i < 14; i++) {
      const box = await cols.nth(i).boundingBox();
      expect(box, `tactic column ${i}`).not.toBeNull();
      expect((box?.x ?? 0) + (box?.width ?? 0), `tactic column ${i} ends inside 1440 px`).toBeLessThanOrEqual(1440);
    }
    await shot(page, 'day-attack-1440');
  });

  it('followed no dead link', () => {
    console.log(
      `links followed:\n${followed.map((f) => `  [${f.step}] ${decodeURIComponent(f.url)} → ${f.heading}`).join('\n')}`,
    );
    expect(followed.length).toBeGreaterThan(10);
  });
});
