/**
 * @module
 * `@intersoc/bus` (in progress).
 */
export {};
