/**
 * @module
 * The node's limits on imported STIX patterns and on the time indicator matching may take,
 * from the `cti` section of the configuration. The pattern limits are applied in the main
 * thread when a command loads its configuration, and handed to every pipeline thread in the
 * detector spec, so import paths and detectors agree on what is acceptable.
 */
import type { Config } from '@intersoc/core';
import { configurePatternLimits, type PatternLimits } from '@intersoc/cti';

/** The pattern limits of a configuration. */
export function patternLimitsOf(config: Config): PatternLimits {
  return {
    maxLength: config.cti.patternMaxLength,
    maxComparisons: config.cti.patternMaxComparisons,
    maxDepth: config.cti.patternMaxDepth,
  };
}

/** Applies the configured pattern limits to this thread; returns the configuration. */
export function applyCtiLimits(config: Config): Config {
  configurePatternLimits(patternLimitsOf(config));
  return config;
}
