/**
 * @module roles/internal/testing
 * The harness the api role's PostgreSQL tests share: a scratch database (or a clear skip when
 * PostgreSQL is unreachable), an API instance as api-role.ts builds one (`openPgAuthStores` over
 * its own connections, ingest and search refused unless the test gives a search service) with one
 * domain registered, users and tokens seeded through the stores, and requests with a user's
 * bearer token. Each test file keeps its own assertions; only the setup lives here.
 */
import { Registry } from 'prom-client';
import { AppError, systemContext, type Role } from '@intersoc/core';
import { buildApi, type ApiDeps, type BuiltApi, type ResponseView } from '@intersoc/api';
import { createScratchDb, openPgAuthStores, type PgAuthStores, type ScratchDb } from '@intersoc/storage/postgres';

/** One API instance over its own connections, with what its domain's registration returned. */
export interface ApiInstance<T> {
  readonly api: BuiltApi;
  readonly stores: PgAuthStores;
  readonly domain: T;
}

/** What an instance is built with besides its store URL. */
export interface ApiInstanceOptions<T> {
  /** Registers the domain under test on the built API (before `ready`). */
  register(app: BuiltApi['app'], stores: PgAuthStores, api: BuiltApi): T | Promise<T>;
  /** The search service; by default every search answers UNSUPPORTED (and `getEvent` nothing). */
  readonly search?: ApiDeps['services']['search'];
  /** The response view, built from the instance's stores. */
  view?(stores: PgAuthStores): ResponseView;
}

/**
 * A scratch database named `name`, or undefined (with a warning naming `what`) when PostgreSQL is
 * unreachable, so the file's suites skip and say so.
 */
export async function scratchPg(name: string, what: string): Promise<ScratchDb | undefined> {
  const probe = await createScratchDb(name);
  if (!('url' in probe)) console.warn(`${what} on PostgreSQL skipped: ${probe.unavailable}`);
  return 'url' in probe ? (probe as ScratchDb) : undefined;
}

/** The api role's server on `url` with only the given domain, ready to take requests. */
export async function apiInstance<T>(url: string, options: ApiInstanceOptions<T>): Promise<ApiInstance<T>> {
  const stores = openPgAuthStores(url);
  const unsupported = (): never => {
    throw new AppError('UNSUPPORTED', 'not part of this test');
  };
  const api = await buildApi({
    ...(options.view ? { view: options.view(stores) } : {}),
    stores,
    services: {
      ingest: { ingest: async () => unsupported() },
      search: options.search ?? {
        searchEvents: async () => unsupported(),
        getEvent: async () => undefined,
        searchAlerts: async () => unsupported(),
        listDeadLetters: async () => unsupported(),
      },
    },
    registry: new Registry(),
  });
  const domain = await options.register(api.app, stores, api);
  await api.app.ready();
  return { api, stores, domain };
}

/** Closes the instance's server, then its connections. */
export async function closeInstance(instance: Pick<ApiInstance<unknown>, 'api' | 'stores'>): Promise<void> {
  await instance.api.app.close();
  await instance.stores.close();
}

/**
 * Creates the tenants the users belong to (those missing, in order), then each user with its
 * role and an API token; answers the tokens' secrets by user name.
 */
export async function seedUsers(
  stores: PgAuthStores,
  users: readonly (readonly [tenant: string, user: string, role: Role])[],
): Promise<Record<string, string>> {
  const operator = systemContext('default');
  for (const tenant of new Set(users.map(([t]) => t)))
    if (!(await stores.tenants.get(operator, tenant))) await stores.tenants.create(operator, { name: tenant });
  const tokens: Record<string, string> = {};
  for (const [tenant, name, role] of users) {
    await stores.users.create(systemContext(tenant), { name, role });
    tokens[name] = (await stores.tokens.create(systemContext(tenant), { user: name, name: 'test' })).secret;
  }
  return tokens;
}

/** An answer: its status, body text, content type, and the body parsed as JSON. */
export interface Answer {
  readonly status: number;
  readonly text: string;
  readonly type: string | undefined;
  json(): Record<string, unknown>;
}

/**
 * A request to the instance with `token` as bearer (none given: an empty one). An object body is
 * sent as JSON; a buffer as is, with `type` as its content type.
 */
export async function injectAs(
  instance: Pick<ApiInstance<unknown>, 'api'>,
  token: string | undefined,
  method: string,
  url: string,
  body?: unknown,
  type?: string,
): Promise<Answer> {
  const r = await instance.api.app.inject({
    method: method as 'GET',
    url,
    headers: { authorization: `Bearer ${token ?? ''}`, ...(type === undefined ? {} : { 'content-type': type }) },
    ...(body === undefined ? {} : { payload: body as Record<string, unknown> }),
  });
  const type_ = r.headers['content-type'];
  return {
    status: r.statusCode,
    text: r.body,
    type: typeof type_ === 'string' ? type_ : undefined,
    json: () => JSON.parse(r.body) as Record<string, unknown>,
  };
}

/** `injectAs` for routes that answer JSON: the status and the parsed body. */
export async function injectJson(
  instance: Pick<ApiInstance<unknown>, 'api'>,
  token: string | undefined,
  method: string,
  url: string,
  body?: unknown,
): Promise<{ status: number; body: Record<string, unknown> }> {
  const r = await injectAs(instance, token, method, url, body);
  return { status: r.status, body: r.json() };
}
