/**
 * Training in a real browser against a real node: an instructor (the operator, an admin) imports
 * an exercise and starts a run for a trainee through the API; the trainee signs in, opens the run
 * in the dashboard and plays one level: a wrong answer, a hint at its penalty, the right answer;
 * the report then gives exactly the KYPO score. Screenshots go to tests/web/screenshots/.
 */
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { browserSuite, PASSWORD, shot, SKIP_BROWSER, startWebHarness, type WebHarness } from './harness.js';

let h: WebHarness;
let instructor: Page;
let run = '';

const EXERCISE = {
  format: 'intersoc-exercise/1',
  title: 'Browser drill',
  levels: [
    {
      type: 'question',
      title: 'Which technique runs PowerShell?',
      content: 'Give the ATT&CK id.',
      max_score: 20,
      answer_kind: 'technique',
      answers: ['T1059.001'],
      hints: [{ title: 'Family', content: 'Command and Scripting Interpreter', hint_penalty: 5 }],
      solution: 'T1059.001',
    },
  ],
};

beforeAll(async () => {
  if (SKIP_BROWSER) return;
  h = await startWebHarness({ demoHours: 1 });
  instructor = await h.login('operator');
  const post = async (url: string, data: unknown): Promise<Record<string, unknown>> => {
    const r = await instructor.request.post(`${h.node.url}${url}`, {
      data,
      headers: { 'x-requested-with': 'intersoc' },
    });
    expect(r.status(), await r.text()).toBeLessThan(300);
    return (await r.json()) as Record<string, unknown>;
  };
  await post('/api/users', { name: 'tina', role: 'trainee', password: PASSWORD });
  const { id } = await post('/api/training/exercises', EXERCISE);
  run = String((await post('/api/training/runs', { exercise: id, trainee: 'tina' }))['run']);
}, 240_000);

afterAll(async () => {
  await h?.close();
});

describe.skipIf(SKIP_BROWSER)(browserSuite('a trainee plays a level in Chromium'), () => {
  it('a wrong answer, a hint, the right answer; the report gives 20 − 5; the instructor follows it live', async () => {
    // The instructor has the run open before the trainee starts, and never reloads it.
    await instructor.goto(`${h.node.url}/training/${run}`);
    const live = instructor
      .getByRole('region', { name: 'Instructor' })
      .getByRole('table', { name: 'Timings per level' });
    await live.getByRole('row', { name: /Which technique runs PowerShell\? 0 \/ 20 0 0 0 no/ }).waitFor();
    const context = await h.browser.newContext({ viewport: { width: 1440, height: 900 } });
    const page = await context.newPage();
    await page.goto(h.node.url);
    await page.getByLabel('Tenant').fill('default');
    await page.getByLabel('User name').fill('tina');
    await page.getByLabel('Password').fill(PASSWORD);
    const signedIn = page.waitForResponse((r) => r.url().includes('/api/auth/login'));
    await page.getByRole('button', { name: 'Sign in' }).click();
    expect((await signedIn).status()).toBe(200);
    await page.goto(`${h.node.url}/training`);
    await page.getByRole('table', { name: 'Training runs' }).getByRole('link', { name: 'Browser drill' }).click();
    await page.getByRole('heading', { name: 'Browser drill', level: 1 }).waitFor();
    const level = page.getByRole('region', { name: 'Level 1: Which technique runs PowerShell?' });
    const box = level.getByLabel('Answer to level 1');
    await box.fill('T1059');
    await level.getByRole('button', { name: 'Submit' }).click();
    await level.getByText(/Not right/).waitFor();
    await level.getByRole('button', { name: 'Take a hint' }).click();
    await level.getByText('Hint 1 (−5): Command and Scripting Interpreter').waitFor();
    await box.fill('attack.t1059.001');
    await level.getByRole('button', { name: 'Submit' }).click();
    await level.getByText('Correct: 15 of 20 points.').waitFor();
    await shot(page, 'training-level');
    const report = (await (await page.request.get(`${h.node.url}/api/training/runs/${run}/report`)).json()) as {
      score: number;
      levels: { hints: number; attempts: number; solved: boolean }[];
    };
    expect(report.score).toBe(15);
    expect(report.levels[0]).toMatchObject({ hints: 1, attempts: 2, solved: true });
    // The instructor's open panel shows it without a reload (it refreshes every 5 s).
    await live.getByRole('row', { name: /Which technique runs PowerShell\? 15 \/ 20 1 2 1 no \d+ s/ }).waitFor();
    // The trainee reads no production data of the tenant.
    expect((await page.request.get(`${h.node.url}/api/alerts`)).status()).toBe(403);
    await context.close();
  });

  it("the instructor sees the run's timings and answer key and lets the trainee sign in to the training tenant", async () => {
    await instructor.goto(`${h.node.url}/training/${run}`);
    const panel = instructor.getByRole('region', { name: 'Instructor' });
    const timings = panel.getByRole('table', { name: 'Timings per level' });
    await timings.getByRole('row', { name: /Which technique runs PowerShell\? 15 \/ 20 1 2 1 no \d+ s/ }).waitFor();
    await panel.getByRole('table', { name: 'Answer key' }).getByText('T1059.001').waitFor();
    await panel.getByLabel('Trainee password in the training tenant').fill(PASSWORD);
    await panel.getByRole('button', { name: 'Let the trainee sign in' }).click();
    await panel.getByText(/tina signs in to tenant train-/).waitFor();
    await shot(instructor, 'training-instructor');
    // The competence map of the trainee, from the runs table.
    await instructor.goto(`${h.node.url}/training`);
    await instructor.getByRole('table', { name: 'Training runs' }).getByRole('link', { name: 'tina' }).click();
    await instructor.getByRole('heading', { name: 'Competence of tina', level: 1 }).waitFor();
    await instructor.getByText('1 runs played.').waitFor();
    await shot(instructor, 'training-competence');

    // The trainee signs in to the training tenant and finds the run there.
    const tenant = String(
      (
        (await (await instructor.request.get(`${h.node.url}/api/training/runs/${run}/report`)).json()) as {
          tenant: string;
        }
      ).tenant,
    );
    const context = await h.browser.newContext({ viewport: { width: 1440, height: 900 } });
    const page = await context.newPage();
    await page.goto(h.node.url);
    await page.getByLabel('Tenant').fill(tenant);
    await page.getByLabel('User name').fill('tina');
    await page.getByLabel('Password').fill(PASSWORD);
    const signedIn = page.waitForResponse((r) => r.url().includes('/api/auth/login'));
    await page.getByRole('button', { name: 'Sign in' }).click();
    expect((await signedIn).status()).toBe(200);
    await page.goto(`${h.node.url}/training`);
    await page.getByRole('table', { name: 'Training runs' }).getByRole('link', { name: 'Browser drill' }).waitFor();
    // The answer key is the instructor's only.
    expect((await page.request.get(`${h.node.url}/api/training/runs/${run}/answers`)).status()).toBe(403);
    await context.close();
  });
});
