/**
 * Data-subject requests in a real browser against a real node with demo data: the admin finds
 * everything about an account of the demo (non-zero counts, the JSON and the Markdown report
 * downloaded and naming it), restricts it (the events API then hides it) and lifts it (they come
 * back), reads the Art. 30 record and the inventory, and erases a second account after a
 * confirmation that says it is irreversible; the events API then finds that name in no record but
 * those kept under legal hold. A viewer, an analyst and the data protection officer see only the
 * tabs and forms their role is served.
 */
import { readFileSync } from 'node:fs';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { browserSuite, PASSWORD, shot, SKIP_BROWSER, startWebHarness, type WebHarness } from './harness.js';

let h: WebHarness;
let operator: Page;
let names: string[] = [];

/** Events the API answers to `page` for a query (ids and the record as JSON). */
async function events(page: Page, q: string): Promise<{ id: string; text: string }[]> {
  const r = await page.request.get(`${h.node.url}/api/events?q=${encodeURIComponent(q)}&limit=500`);
  expect(r.status(), await r.text()).toBe(200);
  return ((await r.json()) as { items: { id: string }[] }).items.map((e) => ({ id: e.id, text: JSON.stringify(e) }));
}

/** Signs in an account the test created (the harness's `login` knows its own users only). */
async function signIn(name: string): Promise<Page> {
  const context = await h.browser.newContext({ viewport: { width: 1440, height: 900 } });
  const page = await context.newPage();
  await page.goto(h.node.url);
  await page.getByLabel('Tenant').fill('default');
  await page.getByLabel('User name').fill(name);
  await page.getByLabel('Password').fill(PASSWORD);
  await page.getByRole('button', { name: 'Sign in' }).click();
  await page.getByRole('heading', { name: 'Overview', level: 1 }).waitFor();
  return page;
}

/** Opens the Privacy view and answers the names of its tabs. */
async function privacyTabs(page: Page): Promise<string[]> {
  await page.goto(`${h.node.url}/privacy`);
  const list = page.getByRole('tablist', { name: 'Privacy' });
  await list.waitFor();
  return (await list.getByRole('tab').allInnerTexts()).map((t) => t.trim());
}

/** Fills the subject fields of a form. */
async function subject(form: ReturnType<Page['getByRole']>, kind: string, value: string): Promise<void> {
  await form.getByLabel('Subject kind').selectOption(kind);
  await form.getByLabel('Subject', { exact: true }).fill(value);
}

beforeAll(async () => {
  if (SKIP_BROWSER) return;
  h = await startWebHarness({ demoHours: 1 });
  operator = await h.login('operator');
  const r = await operator.request.post(`${h.node.url}/api/users`, {
    data: { name: 'dora', role: 'dpo', password: PASSWORD },
    headers: { 'x-requested-with': 'intersoc' },
  });
  expect(r.status(), await r.text()).toBeLessThan(300);
  // Accounts of the demo (people, not service accounts), most frequent first.
  const seen = new Map<string, number>();
  for (const e of await events(operator, 'user.name:*')) {
    const n = String((JSON.parse(e.text) as { ecs: Record<string, unknown> }).ecs['user.name'] ?? '');
    if (/^[a-z][a-z0-9._-]{3,}$/.test(n) && !/^(system|root|admin|administrator)$/.test(n))
      seen.set(n, (seen.get(n) ?? 0) + 1);
  }
  names = [...seen].sort((a, b) => b[1] - a[1]).map(([n]) => n);
}, 240_000);

afterAll(async () => {
  await h?.close();
});

describe.skipIf(SKIP_BROWSER)(browserSuite('data-subject requests in Chromium'), () => {
  it('access with downloads, restriction and lift, the record, erasure verified by search', async () => {
    expect(names.length, 'the demo has accounts').toBeGreaterThanOrEqual(2);
    const [name = '', victim = ''] = names;
    expect(await privacyTabs(operator)).toEqual([
      'Re-identification',
      'Data-subject requests',
      'Restriction',
      'Record and inventory',
    ]);

    // Subject access: counts per kind, the items, the two files.
    await operator.getByRole('tab', { name: 'Data-subject requests' }).click();
    const access = operator.getByRole('form', { name: 'Subject access request' });
    await subject(access, 'user', name);
    await access.getByRole('button', { name: 'Find everything' }).click();
    const counts = access.getByRole('table', { name: 'Records per kind' });
    await counts.waitFor();
    const eventsRow = await counts.getByRole('row', { name: /^events / }).innerText();
    expect(Number(eventsRow.replace(/\D/g, ''))).toBeGreaterThan(0);
    // A header and the first page (at most 25 items).
    const rows = await access.getByRole('table', { name: 'Records that mention the subject' }).getByRole('row').count();
    expect(rows).toBeGreaterThan(1);
    expect(rows).toBeLessThanOrEqual(26);
    const download = async (link: string): Promise<string> => {
      const [d] = await Promise.all([
        operator.waitForEvent('download'),
        access.getByRole('link', { name: link }).click(),
      ]);
      return readFileSync(await d.path(), 'utf8');
    };
    const json = JSON.parse(await download('Download JSON')) as { subject: string; counts: Record<string, number> };
    expect(json.subject).toBe(`user:${name}`);
    expect(json.counts['events']).toBeGreaterThan(0);
    expect(await download('Download report (Markdown)')).toContain(`# What this SOC holds about user:${name}`);
    await shot(operator, 'privacy-subject-access');

    // Restriction: the events API stops showing the account, and shows it again once lifted.
    const before = (await events(operator, `"${name}"`)).length;
    expect(before).toBeGreaterThan(0);
    await operator.getByRole('tab', { name: 'Restriction' }).click();
    const restrict = operator.getByRole('form', { name: 'Restrict processing of a subject' });
    await subject(restrict, 'user', name);
    await restrict.getByLabel('Reason').fill('Art. 18 request, accuracy contested');
    await restrict.getByRole('button', { name: 'Restrict' }).click();
    const restricted = operator.getByRole('table', { name: 'Restricted subjects' });
    await restricted.getByRole('row', { name: new RegExp(`user:${name}`) }).waitFor();
    expect(await events(operator, `"${name}"`)).toEqual([]);
    await shot(operator, 'privacy-restriction');
    await restricted.getByRole('button', { name: `Lift user:${name}` }).click();
    await operator.getByText('No subject is restricted.').waitFor();
    expect((await events(operator, `"${name}"`)).length).toBe(before);

    // The Art. 30 record and the inventory.
    await operator.getByRole('tab', { name: 'Record and inventory' }).click();
    const record = operator.getByLabel('Record text');
    await record.waitFor();
    expect(await record.innerText()).toContain('# Record of processing activities (GDPR Art. 30)');
    const inventory = operator.getByRole('table', { name: 'Fields that carry personal data' });
    expect(await inventory.getByRole('row', { name: /^user\.\* user .*Art\. 6/ }).count()).toBeGreaterThan(0);
    expect(await operator.getByRole('link', { name: 'Download JSON' }).getAttribute('href')).toBe(
      '/api/privacy/record?format=json',
    );
    const md = await operator.request.get(`${h.node.url}/api/privacy/record?format=md`);
    expect(md.headers()['content-type']).toContain('text/markdown');
    expect(await md.text()).toBe(await record.innerText());
    await shot(operator, 'privacy-record');

    // Erasure of a second account, after the confirmation; the search finds it nowhere but under legal hold.
    expect((await events(operator, `"${victim}"`)).length).toBeGreaterThan(0);
    await operator.getByRole('tab', { name: 'Data-subject requests' }).click();
    const erase = operator.getByRole('form', { name: 'Erasure request' });
    await subject(erase, 'user', victim);
    await erase.getByLabel(/^Reason/).fill('Art. 17 request of the employee');
    await erase.getByRole('button', { name: 'Erase…' }).click();
    const confirm = erase.getByRole('alertdialog', { name: 'Confirm erasure' });
    expect(await confirm.innerText()).toContain('irreversible');
    await confirm.getByRole('button', { name: 'Erase irreversibly' }).click();
    const erased = erase.getByRole('table', { name: 'Erased records per kind' });
    await erased.waitFor({ timeout: 120_000 });
    const erasedEvents = await erased.getByRole('row', { name: /^events / }).innerText();
    expect(Number(erasedEvents.replace(/\D/g, ''))).toBeGreaterThan(0);
    const heldTable = erase.getByRole('table', { name: 'Records kept under legal hold' });
    const held = (await heldTable.count()) === 0 ? [] : await heldTable.getByRole('row').allInnerTexts();
    await shot(operator, 'privacy-erasure');
    const left = await events(operator, `"${victim}"`);
    expect(left.filter((e) => !held.some((row) => row.includes(e.id)))).toEqual([]);
    // Audited by the operator, without the erased name: the request and the erasure itself.
    for (const action of ['privacy.erase.request', 'privacy.erase']) {
      const audit = await operator.request.get(`${h.node.url}/api/audit?action=${action}`);
      const entries = ((await audit.json()) as { items: { actor: string }[] }).items;
      expect(entries.map((e) => e.actor)).toEqual(['operator']);
      expect(JSON.stringify(entries)).not.toContain(victim);
    }
  }, 300_000);

  it('a viewer, an analyst and the DPO see only what their role is served', async () => {
    const vic = await h.login('viewer');
    expect(await privacyTabs(vic)).toEqual(['Re-identification', 'Record and inventory']);
    await vic.getByRole('tab', { name: 'Record and inventory' }).click();
    await vic.getByRole('table', { name: 'Fields that carry personal data' }).waitFor();
    expect(await vic.getByLabel('Record text').count()).toBe(0);

    const ana = await h.login('analyst');
    expect(await privacyTabs(ana)).toEqual(['Re-identification', 'Restriction', 'Record and inventory']);
    await ana.getByRole('tab', { name: 'Restriction' }).click();
    await ana.getByRole('region', { name: 'Restriction of processing' }).waitFor();
    expect(await ana.getByRole('form', { name: 'Restrict processing of a subject' }).count()).toBe(0);

    const dora = await signIn('dora');
    expect(await privacyTabs(dora)).toEqual([
      'Re-identification',
      'Data-subject requests',
      'Restriction',
      'Record and inventory',
    ]);
    await dora.getByRole('tab', { name: 'Data-subject requests' }).click();
    await dora.getByRole('form', { name: 'Subject access request' }).waitFor();
    expect(await dora.getByRole('form', { name: 'Erasure request' }).count()).toBe(0);
    await dora.getByRole('tab', { name: 'Restriction' }).click();
    await dora.getByRole('region', { name: 'Restriction of processing' }).waitFor();
    expect(await dora.getByRole('form', { name: 'Restrict processing of a subject' }).count()).toBe(0);
    await dora.getByRole('tab', { name: 'Record and inventory' }).click();
    await dora.getByLabel('Record text').waitFor();
    await shot(dora, 'privacy-dpo-tabs');

    // The API refuses what the view hides.
    const post = (p: Page, url: string, data: unknown) =>
      p.request.post(`${h.node.url}${url}`, { data, headers: { 'x-requested-with': 'intersoc' } });
    expect((await post(dora, '/api/privacy/erase', { subject: `user:${names[0] ?? 'x'}` })).status()).toBe(403);
    expect((await post(ana, '/api/privacy/export', { subject: `user:${names[0] ?? 'x'}` })).status()).toBe(403);
    expect((await post(vic, '/api/privacy/restrictions', { subject: 'user:abc', reason: 'not mine' })).status()).toBe(
      403,
    );
  }, 180_000);
});
