/**
 * @module
 * Embedded or scale-out: decided from the configuration alone, without loading the NATS client
 * (the embedded node never loads it).
 */
import type { Config } from '@intersoc/core';

/** True when the configuration asks for the scale-out mode rather than the embedded node. */
export function isScaleOut(config: Config): boolean {
  return config.roles.trim() !== 'all' || config.bus.url !== undefined || config.store.url !== undefined;
}
