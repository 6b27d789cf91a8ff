/**
 * @module
 * Service interfaces the API calls, implemented by the node (pipeline, stores, stages) and by
 * anything else that satisfies them, with the zod schemas of their HTTP shapes, one file per
 * feature under `services/`. Every method takes the caller's context and must act within
 * `ctx.tenant` only.
 */
export * from './services/events.js';
export * from './services/dashboard.js';
export * from './services/federation.js';
export * from './services/incidents.js';
