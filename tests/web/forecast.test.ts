/**
 * Forecasts and likely next steps in a real browser against a real node with demo data: an
 * analyst forecasts now and sees the series with their models and backtest errors beside
 * seasonal naive's, and the chart with its bands; an incident shows its likely next techniques
 * with the node's rules, coverage and a hunt that one click runs in event search. Screenshots go
 * to tests/web/screenshots/.
 */
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { browserSuite, shot, SKIP_BROWSER, startWebHarness, type WebHarness } from './harness.js';

let h: WebHarness;
let analyst: Page;

beforeAll(async () => {
  if (SKIP_BROWSER) return;
  h = await startWebHarness();
  analyst = await h.login('analyst');
}, 240_000);

afterAll(async () => {
  await h?.close();
});

describe.skipIf(SKIP_BROWSER)(browserSuite('forecasts and likely next steps in Chromium'), () => {
  it('forecasts on request and draws the series with its bands and backtest', async () => {
    const page = analyst;
    await page.goto(`${h.node.url}/forecast`);
    await page.getByRole('heading', { name: 'Forecasts', level: 1 }).waitFor();
    await page.getByRole('button', { name: 'Forecast now' }).click();
    await page
      .getByRole('img', { name: /alerts: \d+ points of history and 168 forecast with 80% and 95% bands/ })
      .waitFor({
        timeout: 60_000,
      });
    const rows = page.getByRole('table', { name: 'Forecast series' }).locator('tbody tr');
    expect(await rows.count()).toBeGreaterThan(4);
    await page.getByText(/Backtest MASE [\d.]+ against seasonal naive [\d.]+/).waitFor();
    await shot(page, 'forecast');
  });

  it('shows an incident’s likely next steps, and one click runs a hunt in event search', async () => {
    const page = analyst;
    const list = (await (await page.request.get(`${h.node.url}/api/incidents?limit=1000`)).json()) as {
      items: { id: string; techniques: string[] }[];
    };
    // the incident whose next steps the node has rules for (the demo's phishing chains end that way)
    let target: string | undefined;
    for (const i of list.items) {
      const next = (await (await page.request.get(`${h.node.url}/api/incidents/${i.id}/next`)).json()) as {
        techniques: { hunt: unknown }[];
      };
      if (next.techniques.some((t) => t.hunt !== null)) {
        target = i.id;
        break;
      }
    }
    expect(target).toBeDefined();
    await page.goto(`${h.node.url}/incidents/${target ?? ''}`);
    const table = page.getByRole('table', { name: 'Likely next techniques' });
    await table.waitFor();
    expect(await table.locator('tbody tr').count()).toBeGreaterThan(3);
    await page.getByRole('region', { name: 'Likely next steps' }).screenshot({
      path: new URL('./screenshots/likely-next.png', import.meta.url).pathname,
    });
    await table.getByRole('link', { name: 'Run the hunt' }).first().click();
    await page.waitForURL(/\/search\?q=/);
    await page.getByText(/matching events/).waitFor({ timeout: 30_000 });
  });
});
