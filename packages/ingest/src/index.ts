/**
 * @module
 * `@intersoc/ingest` (in progress).
 */
export {};
