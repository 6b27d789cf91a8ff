/**
 * @module
 * `@intersoc/cti` (in progress).
 */
export {};
