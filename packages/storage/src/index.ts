/**
 * @module
 * `@intersoc/storage` (in progress).
 */
export {};
