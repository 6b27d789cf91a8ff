/**
 * Working a case to closure in a real browser against a real node with demo data, as an analyst
 * does in TheHive: open a case from an incident (it shows the incident's title), add two tasks,
 * assign one, put them in order with the keyboard, keep a task log, set severity, TLP, PAP and the
 * "aware at" time, assign the case, close the tasks and the case. The timeline names each change
 * and picks up a change made elsewhere without a reload; the case list's filters find the case;
 * the metrics count the alerts closed with it.
 */
import type { Locator, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { browserSuite, shot, SKIP_BROWSER, startWebHarness, type WebHarness } from './harness.js';

let h: WebHarness;
let page: Page;
let caseId = '';
let caseTitle = '';

const FIRST = 'Collect the memory image';
const SECOND = 'Notify the host owner';
const CSRF = { 'x-requested-with': 'intersoc' };

/** A pattern matching `text` literally. */
const literal = (text: string): string => text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

/** Waits until the node's incident stage has built incidents from the demo's alerts. */
async function firstIncident(p: Page): Promise<{ id: string; title: string } | undefined> {
  for (let i = 0; i < 120; i++) {
    const r = await p.request.get(`${h.node.url}/api/incidents?limit=1000`);
    const items = ((await r.json()) as { items: { id: string; title: string; status: string }[] }).items;
    const open = items.find((x) => x.status === 'open');
    if (open) return open;
    await p.waitForTimeout(500);
  }
  return undefined;
}

const timeline = (): Locator => page.getByRole('region', { name: 'Timeline', exact: true });

/** Titles of the task list, top to bottom. */
async function taskOrder(): Promise<string[]> {
  return page
    .getByRole('list', { name: 'Task list' })
    .locator(':scope > li')
    .evaluateAll((lis) => lis.map((li) => li.getAttribute('aria-label') ?? ''));
}

beforeAll(async () => {
  h = await startWebHarness();
  page = await h.login('analyst');
}, 240_000);

afterAll(async () => {
  await h?.close();
});

describe.skipIf(SKIP_BROWSER)(browserSuite('working a case to closure in Chromium'), () => {
  it('opens a case from an incident, named and linked by the incident title', async () => {
    const inc = await firstIncident(page);
    expect(inc, 'the demo builds incidents').toBeDefined();
    await page.goto(`${h.node.url}/incidents/${encodeURIComponent(inc?.id ?? '')}`);
    await page.getByRole('button', { name: 'Open case' }).click();
    await page.getByRole('region', { name: 'Tasks', exact: true }).waitFor();
    caseId = decodeURIComponent(page.url().split('/cases/')[1] ?? '');
    expect(caseId).toMatch(/^[0-9a-f]+$/);
    caseTitle = inc?.title ?? '';
    await page.getByRole('link', { name: caseTitle, exact: true }).first().waitFor();
    await page
      .getByRole('heading', { level: 1, name: new RegExp(`#\\d+ ${literal(caseTitle.slice(0, 20))}`) })
      .waitFor();
  });

  it('adds two tasks, assigns one, reorders them from the keyboard and by drag and drop, and keeps a task log', async () => {
    const add = page.getByRole('form', { name: 'Add a task' });
    await add.getByLabel('New task').fill(FIRST);
    await add.getByRole('button', { name: 'Add task' }).click();
    await page.getByRole('listitem', { name: FIRST }).waitFor();
    await add.getByLabel('New task').fill(SECOND);
    await add.getByLabel('Phase').selectOption('containment');
    await add.getByRole('button', { name: 'Add task' }).click();
    await page.getByRole('listitem', { name: SECOND }).waitFor();
    let order = await taskOrder();
    expect(order.indexOf(FIRST)).toBeLessThan(order.indexOf(SECOND));

    const assign = page.getByRole('form', { name: `Assign ${SECOND}` });
    await assign.getByLabel(`Assignee of ${SECOND}`).fill('bob');
    await assign.getByRole('button', { name: 'Assign', exact: true }).click();
    // Assign turns off once the node holds "bob" as the task's assignee.
    await expect.poll(() => assign.getByRole('button', { name: 'Assign', exact: true }).isDisabled()).toBe(true);

    // Keyboard only: focus "Move up" once and press Enter twice; the focus stays on the moved task.
    const up = page.getByRole('button', { name: `Move ${SECOND} up` });
    await up.focus();
    const start = order.indexOf(SECOND);
    await page.keyboard.press('Enter');
    await expect.poll(async () => (await taskOrder()).indexOf(SECOND)).toBe(start - 1);
    await expect.poll(() => up.evaluate((b) => b.matches(':focus'))).toBe(true);
    await page.keyboard.press('Enter');
    await expect.poll(async () => (await taskOrder()).indexOf(SECOND)).toBe(start - 2);
    order = await taskOrder();
    expect(order.indexOf(SECOND)).toBeLessThan(order.indexOf(FIRST));
    await page
      .getByRole('status')
      .filter({ hasText: `${SECOND} moved to position` })
      .waitFor();
    // And with the mouse: drag the first task onto the second one's place, then undo from the keyboard.
    await page
      .getByRole('listitem', { name: FIRST })
      .locator('.task-title')
      .dragTo(page.getByRole('listitem', { name: SECOND }).locator('.task-title'));
    await expect.poll(async () => (await taskOrder()).indexOf(FIRST)).toBe(order.indexOf(SECOND));
    await page.getByRole('button', { name: `Move ${SECOND} up` }).focus();
    await page.keyboard.press('Enter');
    await expect.poll(async () => (await taskOrder()).indexOf(SECOND)).toBe(order.indexOf(SECOND));

    await page.getByRole('button', { name: `Log of ${FIRST}` }).click();
    const log = page.getByRole('region', { name: `Log of ${FIRST}` });
    await log.getByText('No log entries yet.').waitFor();
    await log.getByLabel('Log entry').fill('Image taken with winpmem, 16 GiB, sha256 noted');
    await log.getByRole('button', { name: 'Add log entry' }).click();
    await page
      .getByRole('list', { name: `Log entries of ${FIRST}` })
      .getByText('Image taken with winpmem, 16 GiB, sha256 noted')
      .waitFor();

    await timeline().getByText(`Task added: ${FIRST}`).waitFor();
    await timeline().getByText(`Task ${SECOND}: assigned to bob`).waitFor();
    await timeline()
      .getByText(/Tasks reordered: /)
      .first()
      .waitFor();
    await timeline().getByText(`Log on task ${FIRST}`).waitFor();
    await shot(page, 'case-tasks');
  });

  it('edits severity, TLP, PAP and aware-at, and assigns the case', async () => {
    const form = page.getByRole('form', { name: 'Case properties' });
    await form.getByLabel('Assignee', { exact: true }).fill('ana');
    await form.getByLabel('Severity').selectOption('critical');
    await form.getByLabel('TLP').selectOption('red');
    await form.getByLabel('PAP').selectOption('green');
    await form.getByLabel('Aware at').fill('2026-01-02T03:04');
    await form.getByRole('button', { name: 'Save changes' }).click();
    const head = page.locator('.detail-head');
    await head.getByText('TLP:RED').waitFor();
    await head.getByText('PAP:GREEN').waitFor();
    await head.getByText('assigned to ana').waitFor();
    const update = timeline().getByText(/Case updated: /);
    await update.first().waitFor();
    const text = (await update.allTextContents()).join(' | ');
    expect(text).toMatch(/severity critical/);
    expect(text).toMatch(/TLP red/);
    expect(text).toMatch(/PAP green/);
    expect(text).toMatch(/assigned to ana/);
    expect(text).toMatch(/aware at 2026-01-0[12]T/);
    // The form shows what was saved (it reloads from the node).
    expect(await form.getByLabel('TLP').inputValue()).toBe('red');
    expect(await form.getByRole('button', { name: 'Save changes' }).isDisabled()).toBe(true);
  });

  it('refreshes the timeline with a change made elsewhere, without a reload', async () => {
    const tasks = (await (await page.request.get(`${h.node.url}/api/cases/${caseId}`)).json()) as {
      tasks: { id: string; title: string }[];
    };
    const first = tasks.tasks.find((t) => t.title === FIRST);
    const r = await page.request.post(`${h.node.url}/api/cases/${caseId}/tasks/${first?.id ?? ''}/logs`, {
      headers: CSRF,
      data: { text: 'Second analyst: hash matches the known sample' },
    });
    expect(r.status()).toBe(201);
    await timeline().getByText('Second analyst: hash matches the known sample').waitFor({ timeout: 20_000 });
  });

  it('closes the tasks and the case', async () => {
    for (const t of [FIRST, SECOND]) {
      // A controlled checkbox: it turns once the node has the change, so click and wait for it.
      await page.getByRole('checkbox', { name: `Done: ${t}` }).click();
      await expect.poll(() => page.getByRole('checkbox', { name: `Done: ${t}` }).isChecked()).toBe(true);
      await timeline().getByText(`Task ${t}: done`).waitFor();
    }
    const workflow = page.getByLabel('Workflow', { exact: true });
    await workflow.getByLabel('Resolution').selectOption('true-positive');
    await workflow.getByRole('button', { name: 'Start work' }).click();
    await page.locator('.detail-head').getByText('in-progress', { exact: true }).waitFor();
    await workflow.getByRole('button', { name: 'Resolve', exact: true }).click();
    await page.locator('.detail-head').getByText('resolved', { exact: true }).waitFor();
    await workflow.getByRole('button', { name: 'Close', exact: true }).click();
    await page.locator('.detail-head').getByText('closed', { exact: true }).waitFor();
    await timeline().getByText('Status resolved → closed (true-positive)').waitFor();
    await shot(page, 'case-closed');
  });

  it('finds the case with the list filters, and not with filters that exclude it', async () => {
    await page.goto(`${h.node.url}/cases`);
    const filters = page.getByRole('search', { name: 'Filter cases' });
    await filters.getByLabel('Status').selectOption('closed');
    await filters.getByLabel('Severity').selectOption('critical');
    await filters.getByLabel('TLP').selectOption('red');
    await filters.getByLabel('Assignee').fill('ana');
    await filters.getByLabel('Text').fill(caseTitle.slice(0, 12));
    await filters.getByRole('button', { name: 'Filter', exact: true }).click();
    await page.getByRole('tab', { name: 'List' }).click();
    const table = page.getByRole('table', { name: 'Case list' });
    await table.getByRole('link', { name: new RegExp(`#\\d+ ${literal(caseTitle.slice(0, 20))}`) }).waitFor();
    expect(await table.locator('tbody tr').count()).toBe(1);
    await shot(page, 'case-list');
    await filters.getByLabel('TLP').selectOption('green');
    await page.getByText('No case matches these filters.').waitFor();
    await page.getByRole('tab', { name: 'Board' }).click();
    await filters.getByRole('button', { name: 'Clear filters' }).click();
    await page.getByRole('region', { name: 'Closed cases' }).getByRole('link').first().waitFor();
  });

  it('says "no data yet" on the metrics of a tenant with no cases', async () => {
    const empty = await h.login('acme');
    await empty.goto(`${h.node.url}/case-metrics`);
    await empty.getByRole('heading', { name: 'No data yet' }).waitFor();
    expect(await empty.getByText('no data yet', { exact: true }).count()).toBe(4);
    await empty.context().close();
  });

  it('counts the alerts closed with the case and those closed in the alert queue in the metrics', async () => {
    // Two alerts closed in the queue, as an analyst triaging a noisy rule would.
    const queue = (await (await page.request.get(`${h.node.url}/api/triage/alerts?limit=2`)).json()) as {
      items: { alert: { id: string } }[];
    };
    const ids = queue.items.map((x) => x.alert.id);
    expect(ids).toHaveLength(2);
    const closedInQueue = await page.request.post(`${h.node.url}/api/triage/alerts/status`, {
      headers: CSRF,
      data: { ids, status: 'closed', reason: 'false-positive' },
    });
    expect(closedInQueue.status()).toBe(200);
    await page.goto(`${h.node.url}/case-metrics`);
    const closed = page.getByRole('region', { name: 'Alerts closed' });
    const cell = async (name: RegExp): Promise<number> =>
      Number(await closed.getByRole('row', { name }).getByRole('cell').innerText());
    await closed.getByRole('row', { name: /With their case/ }).waitFor();
    const inCases = await cell(/With their case/);
    const inQueue = await cell(/In the alert queue/);
    expect(inCases).toBeGreaterThan(0);
    expect(inQueue).toBe(2);
    // Each alert once: the total is at least the larger part and at most both parts.
    const all = await cell(/Closed in all/);
    expect(all).toBeGreaterThanOrEqual(Math.max(inCases, inQueue));
    expect(all).toBeLessThanOrEqual(inCases + inQueue);
    await closed.getByText(/Queue closures by reason: false-positive 2/).waitFor();
    await shot(page, 'case-metrics-alerts');
  });
});
