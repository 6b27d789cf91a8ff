/**
 * @module
 * `@intersoc/detect` (in progress).
 */
export {};
