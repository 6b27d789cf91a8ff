/**
 * Browser test harness: a real node on random ports with demo data in a temporary folder,
 * users of each role, and Debian's Chromium driven by playwright-core. Never downloads a browser.
 */
import { existsSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium, type Browser, type Page } from 'playwright-core';
import { ConfigSchema, DEFAULT_TENANT, systemContext } from '@intersoc/core';
import { runDemo, startNode, startPipeline, type RunningNode } from '@intersoc/node';
import { NODE_DB_FILE, openDatabase, openSqliteAuthStores } from '@intersoc/storage';

/** Debian's Chromium; `.ci/run` installs it with apt. */
export const CHROMIUM = process.env['INTERSOC_CHROMIUM'] ?? '/usr/bin/chromium';

/** What to do on a machine without the browser. */
export const NO_CHROMIUM = `no Chromium at ${CHROMIUM}: install Debian's chromium: sudo apt-get install chromium`;

/**
 * True when the browser tests skip: Chromium is missing and the run does not require it. CI
 * (`.ci/run`) sets `INTERSOC_REQUIRE_BROWSER=1`, so there a missing browser fails the tests.
 */
export const SKIP_BROWSER = !existsSync(CHROMIUM) && process.env['INTERSOC_REQUIRE_BROWSER'] !== '1';

if (SKIP_BROWSER) console.warn(`browser tests skipped: ${NO_CHROMIUM}`);

/** Suite title that carries the reason when the suite skips (the skip list shows it). */
export function browserSuite(title: string): string {
  return SKIP_BROWSER ? `${title} (skipped: ${NO_CHROMIUM})` : title;
}

/** Where the tests leave one screenshot per view (kept by CI, ignored by git). */
export const SCREENSHOTS = fileURLToPath(new URL('./screenshots/', import.meta.url));

/** Accounts the harness creates, all with the password `PASSWORD`. */
export const USERS = {
  operator: { tenant: DEFAULT_TENANT, name: 'operator', role: 'admin' },
  analyst: { tenant: DEFAULT_TENANT, name: 'ana', role: 'analyst' },
  viewer: { tenant: DEFAULT_TENANT, name: 'vic', role: 'viewer' },
  acme: { tenant: 'acme', name: 'amy', role: 'analyst' },
} as const;
export const PASSWORD = 'browser-test-password';

/** A running node with a browser. */
export interface WebHarness {
  readonly node: RunningNode;
  readonly dir: string;
  readonly browser: Browser;
  /** Demo events loaded before the node started. */
  readonly demoEvents: number;
  /** A new page (own cookies) logged in as `user`. */
  login(user: keyof typeof USERS): Promise<Page>;
  close(): Promise<void>;
}

/** Fills the login form and waits for the overview. */
export async function loginOn(page: Page, url: string, user: keyof typeof USERS): Promise<void> {
  const u = USERS[user];
  await page.goto(url);
  await page.getByLabel('Tenant').fill(u.tenant);
  await page.getByLabel('User name').fill(u.name);
  await page.getByLabel('Password').fill(PASSWORD);
  await page.getByRole('button', { name: 'Sign in' }).click();
  await page.getByRole('heading', { name: 'Overview', level: 1 }).waitFor();
}

/** A running node with demo data and the harness's users. */
export interface DemoNode {
  readonly node: RunningNode;
  readonly dir: string;
  /** Demo events loaded before the node started. */
  readonly demoEvents: number;
  close(): Promise<void>;
}

/** How a test wants its node: hours of demo data, and configuration beyond the defaults (e.g. `privacy`). */
export interface HarnessOptions {
  readonly demoHours?: number;
  readonly config?: Readonly<Record<string, unknown>>;
}

/** Starts a node in a temporary folder with users and demo data, loaded through the node's own pipeline. */
export async function startDemoNode(o: HarnessOptions = {}): Promise<DemoNode> {
  const dir = mkdtempSync(path.join(tmpdir(), 'intersoc-web-'));
  const db = openDatabase(path.join(dir, NODE_DB_FILE));
  const stores = openSqliteAuthStores(db);
  await stores.tenants.create(systemContext(DEFAULT_TENANT), { name: 'acme', displayName: 'ACME Corp' });
  for (const u of Object.values(USERS)) {
    await stores.users.create(systemContext(u.tenant), { name: u.name, role: u.role, password: PASSWORD });
  }
  db.close();
  const config = ConfigSchema.parse({
    data: dir,
    http: { port: 0 },
    syslog: { enabled: false },
    ingest: { workers: 1 },
    log: { level: 'silent' },
    ...o.config,
  });
  const pipeline = await startPipeline(config, { workers: 1 });
  const demo = await runDemo(pipeline, { tenant: DEFAULT_TENANT, hours: o.demoHours ?? 6, seed: 7 });
  await pipeline.close();
  const node = await startNode(config, { say: () => undefined });
  return {
    node,
    dir,
    demoEvents: demo.records,
    async close() {
      await node.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

/** Starts the node and Debian's Chromium. */
export async function startWebHarness(o: HarnessOptions = {}): Promise<WebHarness> {
  if (!existsSync(CHROMIUM)) throw new Error(NO_CHROMIUM);
  mkdirSync(SCREENSHOTS, { recursive: true });
  const demo = await startDemoNode(o);
  const browser = await chromium.launch({
    executablePath: CHROMIUM,
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking'],
  });
  return {
    node: demo.node,
    dir: demo.dir,
    browser,
    demoEvents: demo.demoEvents,
    async login(user) {
      const context = await browser.newContext({ viewport: { width: 1440, height: 900 } });
      const page = await context.newPage();
      await loginOn(page, demo.node.url, user);
      return page;
    },
    async close() {
      await browser.close();
      await demo.close();
    },
  };
}

/** Saves a screenshot of the page as `<name>.png` in the screenshot folder. */
export async function shot(page: Page, name: string): Promise<void> {
  await page.screenshot({ path: path.join(SCREENSHOTS, `${name}.png`) });
}
