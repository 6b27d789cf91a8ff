/**
 * Incidents and cases in a real browser against a real node with demo data: the incident queue,
 * an incident's ATT&CK chain, entity graph and timeline, opening a case from it, working the
 * case (workflow, comment, note, NIS2 significance and deadlines), the case board, the NIS2
 * deadlines view and the metrics page, and a viewer who can look but not act. Each view leaves a
 * screenshot in tests/web/screenshots/.
 */
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { browserSuite, shot, SKIP_BROWSER, startWebHarness, type WebHarness } from './harness.js';

let h: WebHarness;
let analyst: Page;
let caseUrl = '';

/** Waits until the node's incident stage has built incidents from the demo's alerts. */
async function incidentsReady(page: Page): Promise<number> {
  for (let i = 0; i < 120; i++) {
    const r = await page.request.get(`${h.node.url}/api/incidents?limit=1000`);
    const n = ((await r.json()) as { items: unknown[] }).items.length;
    if (n > 0) return n;
    await page.waitForTimeout(500);
  }
  return 0;
}

beforeAll(async () => {
  h = await startWebHarness();
  analyst = await h.login('analyst');
}, 240_000);

afterAll(async () => {
  await h?.close();
});

describe.skipIf(SKIP_BROWSER)(browserSuite('incidents and cases in Chromium'), () => {
  it('shows the incident queue, most severe first', async () => {
    const page = analyst;
    expect(await incidentsReady(page)).toBeGreaterThan(0);
    await page.goto(`${h.node.url}/incidents`);
    await page.getByRole('heading', { name: 'Incidents', level: 1 }).waitFor();
    const rows = page.getByRole('table', { name: 'Incident queue' }).locator('tbody tr');
    expect(await rows.count()).toBeGreaterThan(0);
    await page.getByRole('button', { name: 'Open case' }).waitFor();
    await shot(page, 'incidents');
  });

  it('shows an incident with its ATT&CK chain, entity graph and timeline', async () => {
    const page = analyst;
    await page
      .getByRole('table', { name: 'Incident queue' })
      .locator('tbody tr')
      .first()
      .getByRole('link')
      .first()
      .click();
    await page.getByRole('heading', { name: 'ATT&CK chain' }).waitFor();
    await page.getByRole('heading', { name: 'Entity graph' }).waitFor();
    await page.getByRole('img', { name: /Entity graph with \d+ entities/ }).waitFor();
    expect(await page.getByRole('table', { name: 'Incident timeline' }).locator('tbody tr').count()).toBeGreaterThan(0);
    await page.getByText('Classification').waitFor();
    await shot(page, 'incident-detail');
  });

  it('opens a case from the incident and works it', async () => {
    const page = analyst;
    await page.getByRole('button', { name: 'Open case' }).click();
    await page.getByRole('region', { name: 'Tasks' }).waitFor();
    caseUrl = page.url();
    expect(caseUrl).toMatch(/\/cases\/[0-9a-f]+$/);
    expect(await page.getByRole('region', { name: 'Tasks' }).getByRole('checkbox').count()).toBeGreaterThan(2);
    await page.getByRole('button', { name: 'Start work' }).click();
    await page.locator('.detail-head').getByText('in-progress').waitFor();
    await page.getByLabel('Comment').fill('Contacting the host owner.');
    await page.getByRole('button', { name: 'Comment', exact: true }).click();
    await page.getByText('Contacting the host owner.').first().waitFor();
    await page.getByLabel('Note').fill('Attacker first seen here');
    await page.getByRole('button', { name: 'Add note' }).click();
    await page.getByText('Attacker first seen here').first().waitFor();
    await page.getByRole('switch', { name: 'Significant incident (Article 23)' }).click();
    await page.getByRole('table', { name: 'NIS2 deadlines' }).waitFor();
    expect(await page.getByRole('table', { name: 'NIS2 deadlines' }).locator('tbody tr').count()).toBe(3);
    const draft = await page.request.get(`${caseUrl.replace('/cases/', '/api/cases/')}/nis2/early-warning?format=stix`);
    expect(((await draft.json()) as { type: string }).type).toBe('bundle');
    await shot(page, 'case-detail');
  });

  it('shows the case on the board, in the NIS2 deadlines and in the metrics', async () => {
    const page = analyst;
    await page.goto(`${h.node.url}/cases`);
    await page.getByRole('region', { name: 'In progress cases' }).getByRole('link').first().waitFor();
    await shot(page, 'case-board');
    await page.goto(`${h.node.url}/nis2`);
    await page
      .getByRole('table', { name: 'NIS2 deadlines of significant cases' })
      .locator('tbody tr')
      .first()
      .waitFor();
    expect(
      await page.getByRole('table', { name: 'NIS2 deadlines of significant cases' }).locator('tbody tr').count(),
    ).toBe(3);
    await shot(page, 'nis2-deadlines');
    await page.goto(`${h.node.url}/case-metrics`);
    await page.getByText('MTTA').waitFor();
    await page.getByRole('heading', { name: 'Suppression suggestions' }).waitFor();
    await shot(page, 'case-metrics');
  });

  it('lets a viewer look at incidents and cases but change nothing', async () => {
    const page = await h.login('viewer');
    await page.goto(`${h.node.url}/incidents`);
    await page.getByRole('table', { name: 'Incident queue' }).waitFor();
    expect(await page.getByRole('button', { name: 'Open case' }).count()).toBe(0);
    await page.goto(caseUrl);
    await page.getByRole('region', { name: 'Tasks' }).waitFor();
    expect(await page.getByRole('button', { name: 'Start work' }).count()).toBe(0);
    expect(await page.getByRole('region', { name: 'Tasks' }).getByRole('checkbox').first().isDisabled()).toBe(true);
    expect(await page.getByRole('switch', { name: 'Significant incident (Article 23)' }).isDisabled()).toBe(true);
    await shot(page, 'case-viewer');
  });
});
