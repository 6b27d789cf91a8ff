/**
 * @module
 * The format registry: every plug-in, lookup by name, and auto-detection. Binary formats are
 * recognised by their magic bytes first; text formats then score the sample (and file name) and
 * the best score wins, ties going to the earlier, more specific plug-in. More plug-ins can be
 * added at run time with `registerFormat`.
 */
import type { FormatPlugin } from '@intersoc/core';
import { auditdFormat } from '../parsers/auditd/index.js';
import { cefFormat } from '../parsers/cef/index.js';
import { cicFlowFormat } from '../parsers/cic-flow/index.js';
import { evtxFormat } from '../parsers/evtx/index.js';
import { jsonFormat } from '../parsers/json/index.js';
import { leefFormat } from '../parsers/leef/index.js';
import { pcapFormat, pcapngFormat } from '../parsers/pcap/index.js';
import { suricataFormat } from '../parsers/suricata/index.js';
import { syslogFormat } from '../parsers/syslog/index.js';
import { windowsFormat } from '../parsers/windows/index.js';
import { zeekFormat } from '../parsers/zeek/index.js';

const formats: FormatPlugin[] = [
  evtxFormat,
  pcapFormat,
  pcapngFormat,
  windowsFormat,
  suricataFormat,
  zeekFormat,
  cicFlowFormat,
  cefFormat,
  leefFormat,
  auditdFormat,
  syslogFormat,
  jsonFormat,
];

/** All registered plug-ins, most specific first (a live view: `registerFormat` adds to it). */
export const FORMATS: readonly FormatPlugin[] = formats;

/**
 * Registers a plug-in, replacing one with the same name. Binary plug-ins (with `magic`) go first.
 *
 * @example
 * registerFormat(evtxFormat); // then detectFormat(bytes) recognises "ElfFile\0"
 */
export function registerFormat(plugin: FormatPlugin): void {
  const at = formats.findIndex((f) => f.name === plugin.name);
  if (at >= 0) formats.splice(at, 1);
  if (plugin.magic !== undefined) formats.unshift(plugin);
  else formats.splice(formats.length - 1, 0, plugin); // before the generic `json` fallback
}

/** The plug-in called `name`, if any. */
export function getFormat(name: string): FormatPlugin | undefined {
  return formats.find((f) => f.name === name);
}

/** A plug-in and how well it fits a sample. */
export interface FormatScore {
  readonly format: FormatPlugin;
  readonly score: number;
}

/** Samples longer than this are cut before detection. */
const SAMPLE_CHARS = 65536;

/** Scores of every plug-in for a sample, best first; plug-ins that never throw, but guarded anyway. */
export function scoreFormats(sample: string | Uint8Array, fileName?: string): FormatScore[] {
  const text = typeof sample === 'string' ? sample.slice(0, SAMPLE_CHARS) : decodeSample(sample);
  const scores: FormatScore[] = [];
  for (const format of formats) {
    let score = 0;
    if (format.magic !== undefined) {
      score = hasMagic(sample, format.magic) ? 1 : 0;
    } else {
      try {
        score = format.detect(text, fileName);
      } catch {
        score = 0;
      }
    }
    if (score > 0) scores.push({ format, score });
  }
  // Array.prototype.sort is stable: equal scores keep registry order.
  return scores.sort((a, b) => b.score - a.score);
}

/**
 * Chooses the plug-in for a stream from its first bytes (or text) and file name: a binary magic
 * match first, else the best text score. Undefined when nothing fits.
 */
export function detectFormat(sample: string | Uint8Array, fileName?: string): FormatPlugin | undefined {
  return scoreFormats(sample, fileName)[0]?.format;
}

function decodeSample(bytes: Uint8Array): string {
  return Buffer.from(bytes.buffer, bytes.byteOffset, Math.min(bytes.byteLength, SAMPLE_CHARS)).toString('utf8');
}

function hasMagic(sample: string | Uint8Array, magic: Uint8Array): boolean {
  if (sample.length < magic.length) return false;
  for (let i = 0; i < magic.length; i++) {
    const b = typeof sample === 'string' ? sample.charCodeAt(i) : sample[i];
    if (b !== magic[i]) return false;
  }
  return true;
}
