/**
 * @module
 * One call from rule folders to a rule set, with the optional configuration files: extra
 * logsource mappings and placeholder values.
 */
import { readFileSync } from 'node:fs';
import { AppError } from '@intersoc/core';
import { builtinMapping, loadMappingFiles, mergeMappings } from '../logsource/mapping.js';
import type { Rejection } from '../parse/documents.js';
import { parseYaml } from '../parse/yaml-nodes.js';
import { buildRuleSet, type BuildResult } from '../ruleset/rule-set.js';
import type { RuleTuning } from '../ruleset/types.js';
import type { Placeholders } from '../values/modifiers.js';
import { loadSigmaTree, type LoadedTree } from './load-tree.js';

/** Options of {@link loadRuleSet}. */
export interface LoadRuleSetOptions {
  /** Mapping files or folders added to the built-in mapping. */
  readonly mappings?: readonly string[];
  /** A YAML file of placeholder values (`name: [values]`). */
  readonly placeholdersFile?: string;
  readonly placeholders?: Placeholders;
  readonly tuning?: RuleTuning;
}

/** A loaded rule set with everything that was left out. */
export interface LoadedRuleSet extends BuildResult {
  readonly tree: LoadedTree;
  /** Parse and compile rejections together. */
  readonly allRejected: readonly Rejection[];
}

/** Parses a placeholder file: a YAML map of names to a value or a list of values. */
export function parsePlaceholders(text: string): Placeholders {
  const doc: unknown = parseYaml(text);
  if (doc === null || doc === undefined) return {};
  if (typeof doc !== 'object' || Array.isArray(doc))
    throw new AppError('CONFIG', 'placeholders must be a YAML map of name: [values]');
  const out: Record<string, string[]> = {};
  for (const [k, v] of Object.entries(doc as Record<string, unknown>)) {
    const list = Array.isArray(v) ? v : [v];
    out[k.replace(/^%|%$/g, '')] = list.map((x) => String(x));
  }
  return out;
}

/** Loads rule folders and builds a rule set. Throws `CONFIG` for unreadable configuration files. */
export function loadRuleSet(paths: readonly string[], options: LoadRuleSetOptions = {}): LoadedRuleSet {
  let mapping = builtinMapping();
  if (options.mappings && options.mappings.length > 0) {
    const extra = loadMappingFiles(options.mappings);
    if (!extra.ok) throw new AppError('CONFIG', extra.reason);
    mapping = mergeMappings(mapping, extra.value);
  }
  let placeholders: Placeholders = options.placeholders ?? {};
  if (options.placeholdersFile) {
    let text: string;
    try {
      text = readFileSync(options.placeholdersFile, 'utf8');
    } catch (err) {
      throw new AppError('CONFIG', `cannot read placeholders ${options.placeholdersFile}: ${(err as Error).message}`);
    }
    placeholders = { ...placeholders, ...parsePlaceholders(text) };
  }
  const tree = loadSigmaTree(paths);
  const built = buildRuleSet(tree.parsed, {
    mapping,
    placeholders,
    ...(options.tuning ? { tuning: options.tuning } : {}),
  });
  return { ...built, tree, allRejected: [...tree.rejected, ...built.rejected] };
}
