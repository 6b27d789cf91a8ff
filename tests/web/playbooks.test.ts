/**
 * Response from the dashboard in a real browser against a real node: an admin adds a CACAO 2.0
 * playbook from a file, sees its workflow drawn and starts a run; the run waits for approval;
 * an analyst approves it from the approval inbox in another session; the admin's run page follows
 * the run live (no reload) until its containment action is active at the node's detectors; the
 * admin rolls the run back and the action is reverted at the detectors too.
 */
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { browserSuite, shot, SKIP_BROWSER, startWebHarness, type WebHarness } from './harness.js';

let h: WebHarness;
let admin: Page;
let analyst: Page;
let runUrl = '';

const uid = (t: string, n: number): string => `${t}--7b1c4e2a-0000-4000-8000-${n.toString(16).padStart(12, '0')}`;
const NAME = 'Block the beacon address';
const PATTERN = "[ipv4-addr:value = '203.0.113.77']";
const PLAYBOOK = {
  type: 'playbook',
  spec_version: 'cacao-2.0',
  id: uid('playbook', 1),
  name: NAME,
  description: 'Blocks a command-and-control address at the detectors',
  created_by: uid('identity', 1),
  created: '2026-01-01T00:00:00.000Z',
  modified: '2026-01-01T00:00:00.000Z',
  workflow_start: uid('start', 1),
  workflow: {
    [uid('start', 1)]: { type: 'start', on_completion: uid('action', 1) },
    [uid('action', 1)]: {
      type: 'action',
      name: 'block at the detectors',
      // Not a safe verb, so the node asks one person to approve it.
      commands: [
        {
          type: 'intersoc',
          command: 'block-indicator',
          content: JSON.stringify({ pattern: PATTERN, name: 'beacon address' }),
        },
      ],
      agent: uid('individual', 1),
      on_completion: uid('end', 1),
    },
    [uid('end', 1)]: { type: 'end' },
  },
  agent_definitions: { [uid('individual', 1)]: { type: 'individual', name: 'node' } },
};

interface RunApi {
  run: { status: string };
  actions: { seq: number; state: string; summary: string }[];
}

/** The indicator the run put at the detectors, as the threat-intelligence store holds it. */
async function blocked(p: Page, s: RunApi): Promise<{ revoked: boolean; pattern?: string }> {
  const id = /\((indicator--[0-9a-f-]+)\)/.exec(s.actions[0]?.summary ?? '')?.[1];
  expect(id, 'the action names the indicator it stored').toBeDefined();
  const r = await p.request.get(`${h.node.url}/api/intel/objects/${encodeURIComponent(String(id))}`);
  expect(r.status()).toBe(200);
  return ((await r.json()) as { object: { revoked: boolean; pattern?: string } }).object;
}

async function runState(p: Page): Promise<RunApi> {
  const id = decodeURIComponent(runUrl.split('/').pop() ?? '');
  const r = await p.request.get(`${h.node.url}/api/respond/runs/${encodeURIComponent(id)}`);
  expect(r.status()).toBe(200);
  return (await r.json()) as RunApi;
}

beforeAll(async () => {
  h = await startWebHarness({ demoHours: 1 });
  admin = await h.login('operator');
  analyst = await h.login('analyst');
}, 240_000);

afterAll(async () => {
  await h?.close();
});

describe.skipIf(SKIP_BROWSER)(browserSuite('running, approving and rolling back a playbook in Chromium'), () => {
  it('adds the playbook from a file and draws its workflow', async () => {
    await admin.goto(`${h.node.url}/playbooks`);
    await admin.getByLabel('Add a CACAO 2.0 playbook (JSON)').setInputFiles({
      name: 'block-beacon.json',
      mimeType: 'application/json',
      buffer: Buffer.from(JSON.stringify(PLAYBOOK)),
    });
    await admin.getByRole('link', { name: NAME }).click();
    await admin.getByRole('heading', { name: NAME, level: 2 }).waitFor();
    await expect.poll(() => admin.getByLabel(/Workflow of the playbook/).count()).toBe(1);
    // The step list beside the graph names every step and where it leads.
    await admin.getByText(/action block at the detectors — on_completion →/).waitFor();
    await shot(admin, 'playbook');
  }, 60_000);

  it('starts a run that waits for approval', async () => {
    await admin.getByRole('button', { name: 'Run', exact: true }).click();
    await admin.waitForURL(/\/playbooks\/runs\//);
    runUrl = admin.url();
    await admin.getByRole('heading', { name: new RegExp(NAME) }).waitFor();
    await admin.getByText('approval', { exact: true }).first().waitFor();
    const s = await runState(admin);
    expect(s.actions).toHaveLength(0);
  }, 60_000);

  it("an analyst approves it from the inbox, and the admin's page follows the run live", async () => {
    await analyst.goto(`${h.node.url}/playbooks`);
    const inbox = analyst.locator('li.panel', { has: analyst.getByRole('link', { name: NAME }) }).first();
    await inbox.getByRole('button', { name: 'Approve' }).click();
    // No reload on the admin's page: the run stream brings the change.
    await admin.getByText(/detectors now match .*203\.0\.113\.77.* — active/).waitFor({ timeout: 30_000 });
    await admin.getByRole('button', { name: 'Roll back' }).waitFor();
    const s = await runState(admin);
    expect(s.run.status).toBe('succeeded');
    expect(s.actions.map((a) => a.state)).toEqual(['active']);
    expect(await blocked(admin, s)).toMatchObject({ revoked: false, pattern: PATTERN });
    await shot(admin, 'playbook-run');
  }, 60_000);

  it('rolls the run back, and the detectors no longer hold the indicator', async () => {
    await admin.getByRole('button', { name: 'Roll back' }).click();
    await admin.getByText(/^reverted: detectors now match/).waitFor();
    await expect.poll(async () => (await runState(admin)).actions.map((a) => a.state)).toEqual(['reverted']);
    expect(await blocked(admin, await runState(admin))).toMatchObject({ revoked: true });
    await admin.getByText(/203\.0\.113\.77.* — reverted/).waitFor();
    // Once reverted there is nothing left to roll back.
    expect(await admin.getByRole('button', { name: 'Roll back' }).count()).toBe(0);
  }, 60_000);
});
