/**
 * The models view in a real browser against a real node: two versions of a flow model trained
 * with the CLI show their validation figures side by side; an analyst deploys the newer one from
 * the view (the status moves, the older one goes back to trained); the drift panel says why it
 * cannot judge the demo (no flows of the model's kind in the window) rather than showing a
 * number; a viewer sees the figures without the buttons. Screenshot: tests/web/screenshots/models.png.
 */
import { execFileSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { browserSuite, shot, SKIP_BROWSER, startWebHarness, type WebHarness } from './harness.js';

const CLI = fileURLToPath(new URL('../../bin/intersoc', import.meta.url));
let h: WebHarness;

/** CIC-IDS-style flows: every 4th a DoS (long, many forward packets). */
function flows(file: string, rows: number): void {
  const lines = ['Flow ID,Src IP,Dst Port,Flow Duration,Total Fwd Packet,Protocol,Label'];
  for (let i = 0; i < rows; i++) {
    const dos = i % 4 === 0;
    const duration = dos ? 5_000_000 + (i % 97) * 1000 : 1000 + ((i * 7919) % 900_000);
    const packets = dos ? 200 + (i % 50) : 2 + (i % 40);
    lines.push(`f${i},10.0.0.${i % 250},${[80, 443, 53][i % 3]},${duration},${packets},6,${dos ? 'DoS' : 'BENIGN'}`);
  }
  writeFileSync(file, `${lines.join('\n')}\n`);
}

beforeAll(async () => {
  if (SKIP_BROWSER) return;
  h = await startWebHarness({ demoHours: 1 });
  const csv = path.join(h.dir, 'flows.csv');
  flows(csv, 1200);
  for (const algorithm of ['gbdt', 'logreg'])
    execFileSync(
      process.execPath,
      [
        CLI,
        'ml',
        'train',
        'flows',
        '--input',
        csv,
        '--algorithm',
        algorithm,
        '--rounds',
        '20',
        '--data',
        h.dir,
        '--json',
      ],
      { stdio: 'pipe' },
    );
  execFileSync(process.execPath, [CLI, 'ml', 'deploy', 'flows', '--version', '1', '--data', h.dir, '--json'], {
    stdio: 'pipe',
  });
}, 240_000);

afterAll(async () => {
  await h?.close();
});

describe.skipIf(SKIP_BROWSER)(browserSuite('learned models in Chromium'), () => {
  it('shows the versions side by side, deploys from the view, and says why drift cannot be judged', async () => {
    const page = await h.login('analyst');
    await page.goto(`${h.node.url}/models`);
    await page.getByRole('heading', { name: 'Models', level: 1 }).waitFor();
    const model = page.getByRole('region', { name: 'Model flows' });
    const rows = model.locator('table').first().locator('tbody tr');
    await rows.nth(1).waitFor();
    expect(await rows.count()).toBe(2);
    // Newest first: v2 (logistic regression, trained), v1 (boosted trees, deployed), each with its figures.
    expect(await rows.nth(0).innerText()).toMatch(/v2\s+trained\s+logreg\s+4\s+\d+\.\d+%\s+\d\.\d{4}/);
    expect(await rows.nth(1).innerText()).toMatch(/v1\s+deployed\s+gbdt\s+4\s+\d+\.\d+%\s+\d\.\d{4}/);
    await model
      .getByText(/Drift of v1: not enough rows to judge — 0 events of the model's kind in the window/)
      .waitFor();
    await shot(page, 'models');

    await model.getByRole('button', { name: 'Deploy v2' }).click();
    await model.getByRole('button', { name: 'Deploy v1' }).waitFor();
    expect(await rows.nth(0).innerText()).toMatch(/v2\s+deployed/);
    expect(await rows.nth(1).innerText()).toMatch(/v1\s+trained/);
    await model.getByText(/Drift of v2:/).waitFor();
    await page.context().close();

    const viewer = await h.login('viewer');
    await viewer.goto(`${h.node.url}/models`);
    await viewer.getByRole('region', { name: 'Model flows' }).waitFor();
    expect(await viewer.getByRole('button', { name: /Deploy|Retire/ }).count()).toBe(0);
    await viewer.context().close();
  });
});
