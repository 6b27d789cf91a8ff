/**
 * Every entity link on the alert detail leads somewhere: on the demo's PsExec alert (host, the
 * account written `DOMAIN\user`, the program, its parent, and each hash kind), each link opens
 * an event search with at least one hit. Runs in Chromium against a real node with demo data.
 */
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { browserSuite, shot, SKIP_BROWSER, startWebHarness, type WebHarness } from './harness.js';

let h: WebHarness;
let analyst: Page;

interface Triaged {
  readonly alert: { id: string; detector: { ruleTitle: string }; entities: { type: string; role?: string }[] };
}

beforeAll(async () => {
  // Two hours of the seed-7 demo hold the RDP intrusion's PsExec to the domain controller.
  h = await startWebHarness({ demoHours: 2 });
  analyst = await h.login('analyst');
}, 240_000);

afterAll(async () => {
  await h?.close();
});

/** Per PsExec rule (the tool's start and its service), the alert with the most entities. */
async function psexecAlerts(page: Page): Promise<Triaged['alert'][]> {
  const r = await page.request.get(
    `${h.node.url}/api/triage/alerts?limit=500&q=${encodeURIComponent('rule:*psexec*')}`,
  );
  const best = new Map<string, Triaged['alert']>();
  for (const { alert } of ((await r.json()) as { items: Triaged[] }).items) {
    const had = best.get(alert.detector.ruleTitle);
    if (had === undefined || alert.entities.length > had.entities.length) best.set(alert.detector.ruleTitle, alert);
  }
  return [...best.values()];
}

describe.skipIf(SKIP_BROWSER)(browserSuite('entity links in Chromium'), () => {
  it('finds at least one event behind every entity link of the PsExec alerts', async () => {
    const page = analyst;
    const alerts = await psexecAlerts(page);
    expect(alerts.length).toBeGreaterThanOrEqual(2);
    const types = new Set(alerts.flatMap((a) => a.entities.map((e) => e.type)));
    expect([...types]).toEqual(expect.arrayContaining(['host', 'user', 'process', 'hash']));
    const misses: string[] = [];
    let trees = 0;
    for (const alert of alerts) {
      await page.goto(`${h.node.url}/alerts/${alert.id}`);
      await page.getByRole('heading', { name: alert.detector.ruleTitle, level: 1 }).waitFor();
      await page.getByRole('heading', { name: 'Entities' }).waitFor();
      const links = page
        .locator('section.panel', { has: page.getByRole('heading', { name: 'Entities' }) })
        .locator('ul.chips')
        .first()
        .locator('a.chip');
      const count = await links.count();
      expect(count).toBe(alert.entities.length);
      const targets: { text: string; href: string }[] = [];
      for (let i = 0; i < count; i++) {
        const link = links.nth(i);
        targets.push({
          text: (await link.innerText()).replace(/\s+/g, ' '),
          href: (await link.getAttribute('href')) ?? '',
        });
      }
      // The pivot to the process tree, for an alert on a process start: the process with its parent.
      if (alert.entities.some((e) => e.type === 'process')) {
        await page.getByRole('button', { name: 'Show the process tree' }).click();
        const tree = page.getByRole('list', { name: 'Process tree' });
        await tree.waitFor({ timeout: 30_000 });
        expect(await tree.locator('li.proc').count()).toBeGreaterThanOrEqual(2);
        expect(await tree.locator('li.proc-self').count()).toBe(1);
        trees++;
      }
      await shot(page, 'alert-entities');
      console.log(
        `entity links of "${alert.detector.ruleTitle}":\n${targets.map((t) => `  ${t.text} → ${decodeURIComponent(t.href)}`).join('\n')}`,
      );
      for (const t of targets) {
        await page.goto(`${h.node.url}${t.href}`);
        await page.getByRole('heading', { name: 'Event search', level: 1 }).waitFor();
        const results = page.getByRole('grid', { name: 'Search results' });
        await results
          .getByRole('row')
          .nth(1)
          .or(page.getByRole('heading', { name: 'No events match' }))
          .first()
          .waitFor({ timeout: 30_000 });
        const hits = (await results.getByRole('row').count()) - 1;
        if (hits < 1) misses.push(`${alert.detector.ruleTitle}: ${t.text} → ${decodeURIComponent(t.href)}`);
      }
    }
    expect(misses).toEqual([]);
    expect(trees).toBeGreaterThanOrEqual(1);
  }, 240_000);
});
