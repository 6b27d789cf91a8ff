/**
 * @module
 * `@intersoc/evtx` (in progress).
 */
export {};
