/**
 * The models view in a real browser against a real node: two versions of a flow model trained
 * with the CLI show their validation figures side by side; an analyst deploys the newer one from
 * the view (the status moves, the older one goes back to trained); the drift panel says why it
 * cannot judge the demo (no flows of the model's kind in the window) rather than showing a
 * number; a viewer sees the figures without the buttons. Then flows ingested into the serving node
 * raise the deployed model's alerts, an analyst closes the nightly backups among them as false
 * positives and retrains from the view: the new version says where it came from and its figures
 * stand beside its parent's. Screenshots: tests/web/screenshots/models.png, models-lineage.png.
 */
import { execFile, execFileSync } from 'node:child_process';
import { promisify } from 'node:util';
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { browserSuite, shot, SKIP_BROWSER, startWebHarness, type WebHarness } from './harness.js';

const CLI = fileURLToPath(new URL('../../bin/intersoc', import.meta.url));
const execFileAsync = promisify(execFile);
let h: WebHarness;

/**
 * CIC-IDS-style flows: every 4th a DoS (long, many forward packets). With `backups`, every 8th
 * (offset 1) is a benign rsync backup to port 873, as long and busy as a DoS.
 */
function flows(file: string, rows: number, backups = false): void {
  const lines = ['Flow ID,Src IP,Dst Port,Flow Duration,Total Fwd Packet,Protocol,Label'];
  for (let i = 0; i < rows; i++) {
    const dos = i % 4 === 0;
    const backup = backups && i % 8 === 1;
    const duration = dos || backup ? 5_000_000 + (i % 97) * 1000 : 1000 + ((i * 7919) % 900_000);
    const packets = dos || backup ? 200 + (i % 50) : 2 + (i % 40);
    const port = backup ? 873 : [80, 443, 53][i % 3];
    lines.push(`f${i},10.0.0.${i % 250},${port},${duration},${packets},6,${dos ? 'DoS' : 'BENIGN'}`);
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
}, 300_000);

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

  it('retrains from closed false positives and shows the new version beside its parent', async () => {
    const page = await h.login('analyst');
    // The boosted trees go back into service; the parse workers notice within 5 s.
    await page.goto(`${h.node.url}/models`);
    const model = page.getByRole('region', { name: 'Model flows' });
    await model.getByRole('button', { name: 'Deploy v1' }).click();
    await model.getByRole('button', { name: 'Deploy v2' }).waitFor();
    await new Promise((r) => setTimeout(r, 6000));
    // Live flows through the serving node (the CLI hands the file over): v1 scores them.
    const live = path.join(h.dir, 'live.csv');
    flows(live, 400, true);
    // Asynchronously: the node answers the hand-over on this process's event loop.
    await execFileAsync(process.execPath, [CLI, 'ingest', live, '--format', 'cic-flow', '--data', h.dir, '--json']);
    const r = await page.request.get(`${h.node.url}/api/triage/alerts?limit=1000`);
    expect(r.status()).toBe(200);
    const items = (
      (await r.json()) as {
        items: { alert: { id: string; detector: { ruleId: string }; details?: { vector?: number[] } } }[];
      }
    ).items;
    // The backups (port 873, the first feature) among v1's alerts: the analyst's false positives.
    const backups = items.filter((i) => i.alert.detector.ruleId === 'ml:flows' && i.alert.details?.vector?.[0] === 873);
    expect(backups.length).toBeGreaterThanOrEqual(40);
    const closed = await page.request.post(`${h.node.url}/api/triage/alerts/status`, {
      data: { ids: backups.map((b) => b.alert.id), status: 'closed', reason: 'False positive' },
      headers: { 'x-requested-with': 'intersoc' },
    });
    expect(closed.status()).toBe(200);

    await page.reload();
    const rows = model.locator('table').first().locator('tbody tr');
    await rows.nth(1).waitFor();
    expect(await rows.nth(1).innerText()).toMatch(/training data/);
    await model.getByRole('button', { name: 'Retrain v1' }).click();
    await model.getByRole('button', { name: 'Retrain v3' }).waitFor({ timeout: 120_000 });
    expect(await rows.nth(0).innerText()).toMatch(
      new RegExp(`^v3\\s+trained\\s+gbdt[\\s\\S]*v1 \\+${backups.length} FP \\+0 TP`),
    );
    const lineage = model.getByRole('table', { name: 'Lineage' });
    expect(await lineage.locator('tbody tr').first().innerText()).toMatch(
      new RegExp(`v3\\s+v1\\s+${backups.length} false positives, 0 true positives\\s+\\d+\\.\\d+% → \\d+\\.\\d+%`),
    );
    await shot(page, 'models-lineage');
    await page.context().close();
  });
});
