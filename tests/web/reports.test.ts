/**
 * Threat reports and the ranked alert queue in a real browser against a real node with demo data:
 * an analyst uploads an HTML report, sees its indicators and techniques highlighted in their
 * sentences with their confidence, rejects one item, adds a technique the model missed,
 * publishes the reviewed STIX bundle into threat intelligence, and finds it there; the alert
 * queue ranked by learned priority shows each alert's probability and reasons; a viewer can read
 * but not upload. Each view leaves a screenshot in tests/web/screenshots/.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { browserSuite, shot, SKIP_BROWSER, startWebHarness, type WebHarness } from './harness.js';

let h: WebHarness;
let analyst: Page;
const dir = mkdtempSync(path.join(tmpdir(), 'intersoc-web-reports-'));
const file = path.join(dir, 'advisory.html');
writeFileSync(
  file,
  `<!doctype html><html><head><title>Advisory: Lazarus loader</title></head><body><article>
   <h1>Advisory: new loader</h1>
   <p>The actor used Mimikatz to dump credentials from LSASS memory on the file server.</p>
   <p>The implant then beaconed to hxxps://update.evil-cdn[.]net/gate every minute and created a scheduled task for persistence.</p>
   <p>Payload SHA-256: 275a021bbfb6489e54d471899f7db9d1663fc695ec2fe2a2c4538aabf651fd0f.</p>
   <p>Staff were asked to report unusual prompts to the helpdesk team.</p>
   </article></body></html>`,
);

beforeAll(async () => {
  if (SKIP_BROWSER) return;
  h = await startWebHarness({ demoHours: 2 });
  analyst = await h.login('analyst');
}, 240_000);

afterAll(async () => {
  await h?.close();
  rmSync(dir, { recursive: true, force: true });
});

describe.skipIf(SKIP_BROWSER)(browserSuite('threat reports and the ranked queue in Chromium'), () => {
  it('uploads a report and shows its items in their sentences', async () => {
    const page = analyst;
    await page.goto(`${h.node.url}/reports`);
    await page.getByRole('heading', { name: 'Threat reports', level: 1 }).waitFor();
    await page.getByLabel('Report file').setInputFiles(file);
    await page.getByLabel('TLP of the report').selectOption('green');
    await page.getByRole('button', { name: 'Add report' }).click();
    await page.getByRole('list', { name: 'Sentences with extracted items' }).waitFor();
    expect(page.url()).toMatch(/\/reports\/r-[0-9a-f]{16}$/);
    await page.locator('mark.hl-indicator', { hasText: 'hxxps://update.evil-cdn[.]net/gate' }).waitFor();
    await page.locator('.report-item', { hasText: 'T1003.001' }).first().waitFor();
    await page.locator('.report-item', { hasText: 'https://update.evil-cdn.net/gate' }).waitFor();
    await shot(page, 'report-review');
  });

  it('takes a rejection and an added technique, then publishes the STIX bundle', async () => {
    const page = analyst;
    const sha = page.locator('.report-item', { hasText: '275a021bbfb6489e' });
    await sha.getByRole('button', { name: 'Reject' }).click();
    // A rejected item is greyed out.
    await page.locator('.report-item.muted', { hasText: '275a021bbfb6489e' }).waitFor();
    page.once('dialog', (d) => void d.accept('T1071.001'));
    await page
      .locator('.report-sentence', { hasText: 'beaconed to' })
      .getByRole('button', { name: 'Add technique' })
      .click();
    await page.locator('.report-item', { hasText: 'T1071.001' }).waitFor();
    await page.getByRole('button', { name: 'Publish' }).click();
    await page
      .getByRole('status')
      .getByText(/Published \d+ STIX objects/)
      .waitFor();
    const id = page.url().split('/').pop() ?? '';
    const stix = await page.request.get(`${h.node.url}/api/reports/${id}/stix`);
    const bundle = (await stix.json()) as {
      objects: { type: string; pattern?: string; external_references?: { external_id: string }[] }[];
    };
    expect(bundle.objects.some((o) => o.type === 'report')).toBe(true);
    expect(bundle.objects.some((o) => o.pattern?.includes('275a021bbfb6489e'))).toBe(false);
    expect(bundle.objects.some((o) => o.external_references?.[0]?.external_id === 'T1071.001')).toBe(true);
    const intel = await page.request.get(`${h.node.url}/api/intel/objects?type=report`);
    expect(intel.status()).toBe(200);
    expect(JSON.stringify(await intel.json())).toContain('Advisory');
  });

  it('ranks the alert queue by learned priority with reasons', async () => {
    const page = analyst;
    await page.goto(`${h.node.url}/ranked`);
    await page.getByRole('heading', { name: 'Alerts by learned priority' }).waitFor();
    const rows = page.getByRole('table', { name: 'Alerts ranked by learned priority' }).locator('tbody tr');
    await rows.first().waitFor();
    const first = Number(await rows.first().locator('td').first().innerText());
    const last = Number(await rows.last().locator('td').first().innerText());
    expect(first).toBeGreaterThanOrEqual(last);
    await shot(page, 'ranked-alerts');
  });

  it('lets a viewer read reports but not add them', async () => {
    const viewer = await h.login('viewer');
    await viewer.goto(`${h.node.url}/reports`);
    await viewer.getByRole('table', { name: 'Reports' }).waitFor();
    expect(await viewer.getByRole('button', { name: 'Add report' }).count()).toBe(0);
  });
});
