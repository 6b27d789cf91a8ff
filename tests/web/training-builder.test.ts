/**
 * The exercise builder in a real browser against a real node: the instructor (the operator, an
 * admin) builds an exercise on the Training view from the attack simulator's scenario, adds a
 * question with a hint, a "find it" mark and a hands-on Sigma task, edits and reorders them,
 * removes one, saves it through the import route, and starts a run of it for a trainee. The saved
 * exercise and the run are then read back through the API. Screenshots go to tests/web/screenshots/.
 */
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { browserSuite, PASSWORD, shot, SKIP_BROWSER, startWebHarness, type WebHarness } from './harness.js';

let h: WebHarness;
let page: Page;

beforeAll(async () => {
  if (SKIP_BROWSER) return;
  h = await startWebHarness({ demoHours: 1 });
  page = await h.login('operator');
  const r = await page.request.post(`${h.node.url}/api/users`, {
    data: { name: 'tobi', role: 'trainee', password: PASSWORD },
    headers: { 'x-requested-with': 'intersoc' },
  });
  expect(r.status(), await r.text()).toBe(201);
}, 240_000);

afterAll(async () => {
  await h?.close();
});

describe.skipIf(SKIP_BROWSER)(browserSuite('an instructor builds an exercise in Chromium'), () => {
  it('builds levels, edits and reorders them, saves, and starts a run', async () => {
    await page.goto(`${h.node.url}/training`);
    await page.getByRole('link', { name: 'Build an exercise' }).click();
    await page.getByRole('heading', { name: 'Build an exercise', level: 1 }).waitFor();
    const save = page.getByRole('button', { name: 'Save the exercise' });
    expect(await save.isDisabled()).toBe(true);
    await page.getByLabel('Exercise title').fill('Built in the browser');
    await page.getByLabel('Simulator seed').fill('7');
    await page.getByLabel('Hours of telemetry').fill('0.5');

    const add = async (type: string): Promise<void> => {
      await page.getByLabel('New level type').selectOption(type);
      await page.getByRole('button', { name: 'Add a level' }).click();
    };
    await add('info');
    await add('question');
    await add('find');
    await add('task');
    const level = (n: number) => page.getByRole('group', { name: `Level ${n}` });
    await level(1).getByLabel('Title', { exact: true }).fill('Briefing to drop');
    await level(2).getByLabel('Title', { exact: true }).fill('Which technique?');
    await level(2).getByLabel('Answer kind').selectOption('technique');
    await level(2).getByLabel('Accepted answers (comma-separated)').fill('T1059.001');
    await level(2).getByLabel('Maximum score').fill('20');
    await level(2).getByLabel('Hint title', { exact: true }).fill('Family');
    await level(2).getByLabel('Hint text').fill('Command and Scripting Interpreter');
    await level(2).getByLabel('Hint penalty').fill('5');
    await level(3).getByLabel('Title', { exact: true }).fill('First host');
    await level(3).getByLabel('Find', { exact: true }).selectOption('first-host');
    await level(4).getByLabel('Title', { exact: true }).fill('Write a rule');
    await level(4).getByLabel('Check').selectOption('sigma-rule');
    await level(4).getByLabel('Techniques trained (comma-separated)').fill('T1059.001');
    // Edits: the briefing goes, the task moves before the find level.
    await level(1).getByRole('button', { name: 'Remove level 1' }).click();
    await level(3).getByRole('button', { name: 'Move up' }).click();
    expect(await level(2).getByLabel('Title', { exact: true }).inputValue()).toBe('Write a rule');
    await level(1).getByLabel('Title', { exact: true }).fill('Which technique ran?');
    await shot(page, 'training-builder');
    await save.click();
    await page.getByText('Saved Built in the browser: 3 levels.').waitFor();

    const start = page.getByRole('region', { name: 'Start a run' });
    await start.getByLabel('Trainee').fill('tobi');
    await start.getByRole('button', { name: 'Start a run' }).click();
    await start.getByText(/Started in tenant train-/).waitFor({ timeout: 120_000 });
    await start.getByRole('link', { name: 'open the run' }).click();
    await page.getByRole('heading', { name: 'Built in the browser', level: 1 }).waitFor();
    await page.getByRole('region', { name: 'Level 1: Which technique ran?' }).waitFor();
    await page.getByRole('region', { name: 'Level 2: Write a rule' }).waitFor();
    await page.getByRole('region', { name: 'Level 3: First host' }).waitFor();

    // What was saved, read back through the API.
    const list = (await (await page.request.get(`${h.node.url}/api/training/exercises`)).json()) as {
      items: { id: string; title: string }[];
    };
    const id = list.items.find((x) => x.title === 'Built in the browser')?.id ?? '';
    const doc = (await (await page.request.get(`${h.node.url}/api/training/exercises/${id}/export`)).json()) as {
      scenario: unknown;
      levels: Record<string, unknown>[];
    };
    expect(doc.scenario).toEqual({ kind: 'simulator', seed: 7, hours: 0.5 });
    expect(doc.levels.map((l) => [l['type'], l['title']])).toEqual([
      ['question', 'Which technique ran?'],
      ['task', 'Write a rule'],
      ['find', 'First host'],
    ]);
    expect(doc.levels[0]).toMatchObject({
      max_score: 20,
      answer_kind: 'technique',
      answers: ['T1059.001'],
      hints: [{ title: 'Family', content: 'Command and Scripting Interpreter', hint_penalty: 5 }],
    });
    expect(doc.levels[1]).toMatchObject({ check: 'sigma-rule', techniques: ['T1059.001'] });
    expect(doc.levels[2]).toMatchObject({ target: 'first-host' });
    const runs = (await (await page.request.get(`${h.node.url}/api/training/runs`)).json()) as {
      items: { exercise: string; trainee: string }[];
    };
    expect(runs.items.filter((r) => r.exercise === id).map((r) => r.trainee)).toEqual(['tobi']);
  }, 240_000);

  it('loads a saved exercise as a draft to edit', async () => {
    await page.goto(`${h.node.url}/training/new`);
    const list = (await (await page.request.get(`${h.node.url}/api/training/exercises`)).json()) as {
      items: { id: string; title: string }[];
    };
    const id = list.items.find((x) => x.title === 'Built in the browser')?.id ?? '';
    await page.getByLabel('Start from an existing exercise').selectOption(id);
    await page.getByText('Loaded "Built in the browser": saving makes a new exercise.').waitFor();
    expect(await page.getByLabel('Exercise title').inputValue()).toBe('Built in the browser');
    expect(await page.getByRole('group', { name: 'Level 3' }).getByLabel('Find', { exact: true }).inputValue()).toBe(
      'first-host',
    );
    await page.getByLabel('Exercise title').fill('Built, second version');
    await page.getByRole('button', { name: 'Save the exercise' }).click();
    await page.getByText('Saved Built, second version: 3 levels.').waitFor();
  }, 120_000);
});
