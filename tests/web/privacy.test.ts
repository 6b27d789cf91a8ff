/**
 * Re-identification in a real browser against a real node whose analysts see pseudonyms, with four
 * eyes: the analyst finds an account's events in Event search and sees its pseudonym, never the
 * name; selecting the pseudonym offers to re-identify it; the analyst asks for the case with a
 * reason; a second analyst approves it on the Privacy view; the requester then sees the name; the
 * data protection officer (role dpo) sees the request in the log and is refused the events.
 */
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { browserSuite, PASSWORD, shot, SKIP_BROWSER, startWebHarness, type WebHarness } from './harness.js';

const REASON = 'Lateral movement from this account in the case';
let h: WebHarness;
let caseId = '';
let operator: Page;
let name = '';

/** Signs in an account the test created (the harness's `login` knows its own users only). */
async function signIn(name: string): Promise<Page> {
  const context = await h.browser.newContext({ viewport: { width: 1440, height: 900 } });
  const page = await context.newPage();
  await page.goto(h.node.url);
  await page.getByLabel('Tenant').fill('default');
  await page.getByLabel('User name').fill(name);
  await page.getByLabel('Password').fill(PASSWORD);
  const signedIn = page.waitForResponse((r) => r.url().includes('/api/auth/login'));
  await page.getByRole('button', { name: 'Sign in' }).click();
  expect((await signedIn).status()).toBe(200);
  // Let the overview's searches finish: a user runs a few searches at a time (search.maxConcurrentPerUser).
  await page.getByRole('heading', { name: 'Overview', level: 1 }).waitFor();
  await page.waitForLoadState('networkidle');
  return page;
}

beforeAll(async () => {
  if (SKIP_BROWSER) return;
  h = await startWebHarness({
    demoHours: 1,
    config: { privacy: { pseudonymiseRoles: ['analyst'], fourEyes: true } },
  });
  operator = await h.login('operator');
  const post = async (url: string, data: unknown): Promise<Record<string, unknown>> => {
    const r = await operator.request.post(`${h.node.url}${url}`, {
      data,
      headers: { 'x-requested-with': 'intersoc' },
    });
    expect(r.status(), await r.text()).toBeLessThan(300);
    return (await r.json()) as Record<string, unknown>;
  };
  await post('/api/users', { name: 'bea', role: 'analyst', password: PASSWORD });
  await post('/api/users', { name: 'dora', role: 'dpo', password: PASSWORD });
  caseId = String((await post('/api/cases', { title: 'Suspicious logons', template: 'none' }))['id']);
}, 240_000);

afterAll(async () => {
  await h?.close();
});

describe.skipIf(SKIP_BROWSER)(browserSuite('re-identification in Chromium'), () => {
  it('pseudonym in search, request with a reason, second approver, the value, the DPO log', async () => {
    const ana = await signIn('ana');
    // An account of the demo as the operator sees it, and its pseudonym as the analyst's answers show it.
    const events = async (p: Page, q: string) =>
      (
        (await (await p.request.get(`${h.node.url}/api/events?q=${encodeURIComponent(q)}&limit=200`)).json()) as {
          items: { ecs: Record<string, unknown> }[];
        }
      ).items;
    const names = (await events(operator, 'user.name:*'))
      .map((e) => String(e.ecs['user.name'] ?? ''))
      .filter((n) => /^[a-z][a-z0-9._-]{3,}$/.test(n) && !/^(system|root|admin|administrator)$/.test(n));
    name = names[0] ?? '';
    expect(name).not.toBe('');
    const seen = await events(ana, `user.name:"${name}"`);
    expect(seen.length).toBeGreaterThan(0);
    const pseudonym = String(seen[0]?.ecs['user.name']);
    expect(pseudonym).toMatch(/^user-[0-9a-f]{8}$/);
    expect(JSON.stringify(seen)).not.toContain(name);

    // Event search shows the pseudonym and, outside the query box, never the name.
    await ana.goto(`${h.node.url}/search?q=${encodeURIComponent(`user.name:${pseudonym}`)}&range=24h`);
    // The first one on screen (the results also hold hidden copies, e.g. of clipped cells' titles).
    const cell = ana.locator(`main >> text=${pseudonym} >> visible=true`).first();
    // The overview's searches may still hold the user's search slots: try again as a user would.
    const again = ana.getByRole('button', { name: 'Try again' });
    await cell.or(again).first().waitFor();
    if (await again.isVisible()) await again.click();
    await cell.waitFor().catch(async (err: unknown) => {
      await shot(ana, 'privacy-search-failed');
      throw err;
    });
    expect(await ana.locator('main').innerText()).not.toContain(name);
    await shot(ana, 'privacy-pseudonyms');

    // Selecting the pseudonym offers its re-identification.
    await cell.selectText();
    const bar = ana.getByRole('region', { name: 'Pseudonym selected' });
    await bar.getByRole('link', { name: `Re-identify ${pseudonym}` }).click();
    await ana.getByRole('heading', { name: 'Privacy', level: 1 }).waitFor();
    const form = ana.getByRole('form', { name: 'Re-identify a pseudonym' });
    expect(await form.getByLabel('Pseudonym').inputValue()).toBe(pseudonym);
    await form.getByLabel('Case').selectOption(caseId);
    await form.getByLabel(/^Reason/).fill(REASON);
    await form.getByRole('button', { name: 'Request re-identification' }).click();
    await ana
      .getByRole('status')
      .getByText(/waiting for a second person/)
      .waitFor();
    // The requester cannot approve their own request.
    const mine = ana.getByRole('table', { name: 'Your requests and those waiting for a second person' });
    await mine.getByRole('row', { name: new RegExp(pseudonym) }).waitFor();
    expect(await mine.getByRole('button', { name: 'Approve' }).count()).toBe(0);

    // A second analyst approves it.
    const bea = await signIn('bea');
    await bea.goto(`${h.node.url}/privacy`);
    const pending = bea
      .getByRole('table', { name: 'Your requests and those waiting for a second person' })
      .getByRole('row', { name: new RegExp(REASON) });
    await pending.getByRole('button', { name: 'Approve' }).click();
    await pending.getByText('approved by bea').waitFor();
    await shot(bea, 'privacy-approve');

    // The requester now sees the name.
    await ana.reload();
    const row = ana
      .getByRole('table', { name: 'Your requests and those waiting for a second person' })
      .getByRole('row', { name: new RegExp(REASON) });
    await row.getByRole('button', { name: 'Show value' }).click();
    expect(await row.getByLabel(`Value of ${pseudonym}`).innerText()).toBe(name);
    await shot(ana, 'privacy-value');

    // The data protection officer sees the entry, and no events.
    const dora = await signIn('dora');
    await dora.goto(`${h.node.url}/privacy`);
    const log = dora.getByRole('table', { name: 'Every re-identification of the tenant' });
    const entry = log.getByRole('row', { name: new RegExp(REASON) });
    await entry.waitFor();
    expect(await entry.innerText()).toContain(pseudonym);
    expect(await entry.innerText()).toContain('approved by bea');
    expect(await entry.innerText()).not.toContain(name);
    await shot(dora, 'privacy-dpo-log');
    expect((await dora.request.get(`${h.node.url}/api/events?limit=1`)).status()).toBe(403);
  }, 180_000);
});
