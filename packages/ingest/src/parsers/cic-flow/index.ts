/**
 * @module
 * CSV flow records with the CIC-IDS2017 columns (CICFlowMeter): a header row (stateful per stream),
 * then one flow per line. Column names are kept as fields (trimmed: the original MachineLearningCSV
 * files pad them with spaces), numbers become numbers, and the `Label` column stays a field.
 * Projection: source/destination ip and port, transport, forward/backward bytes, duration.
 */
import type { FieldValue, FlatFields, FormatPlugin, OpenOptions, ParseResult, RecordParser } from '@intersoc/core';
import { eventTime } from '../../internal/time.js';
import { splitCsv } from '../../internal/csv.js';
import { cleanIp, putEcs, toPort, transportName } from '../../internal/ecs.js';
import type { EcsBuilder } from '../../internal/ecs.js';
import { setField } from '../../internal/fields.js';
import { parsed, rejected, SKIP } from '../../internal/record.js';
import { isBlank, sampleLines } from '../../internal/text.js';

const FORMAT = 'cic-flow';

/** Column spellings across CICFlowMeter versions → ECS. */
const COLUMNS = new Map<string, keyof EcsBuilder | 'time'>([
  ['Src IP', 'source.ip'],
  ['Source IP', 'source.ip'],
  ['Src Port', 'source.port'],
  ['Source Port', 'source.port'],
  ['Dst IP', 'destination.ip'],
  ['Destination IP', 'destination.ip'],
  ['Dst Port', 'destination.port'],
  ['Destination Port', 'destination.port'],
  ['Protocol', 'network.transport'],
  ['Total Length of Fwd Packet', 'source.bytes'],
  ['Total Length of Fwd Packets', 'source.bytes'],
  ['TotLen Fwd Pkts', 'source.bytes'],
  ['Total Length of Bwd Packet', 'destination.bytes'],
  ['Total Length of Bwd Packets', 'destination.bytes'],
  ['TotLen Bwd Pkts', 'destination.bytes'],
  ['Flow Duration', 'event.duration'],
  ['Timestamp', 'time'],
]);

/** Columns that stay text. */
const TEXT_COLUMNS = new Set(['Flow ID', 'Src IP', 'Source IP', 'Dst IP', 'Destination IP', 'Timestamp', 'Label']);

interface Column {
  readonly name: string;
  readonly ecs: keyof EcsBuilder | 'time' | undefined;
  readonly text: boolean;
}

/** Opens a parser for one CSV stream; the first non-blank line must be the header. */
export function openCicFlow(_options: OpenOptions = {}): RecordParser {
  let columns: Column[] | undefined;
  return {
    parse(record: string): ParseResult {
      if (isBlank(record)) return SKIP;
      const line = record.charCodeAt(record.length - 1) === 13 ? record.slice(0, -1) : record;
      const cells = splitCsv(line.charCodeAt(0) === 0xfeff ? line.slice(1) : line);
      if (cells === undefined) return rejected(FORMAT, 'unterminated quoted value');
      if (columns === undefined || isHeader(cells)) {
        if (!isHeader(cells)) return rejected(FORMAT, 'data line before the header row');
        columns = cells.map((c) => {
          const name = c.trim();
          return { name, ecs: COLUMNS.get(name), text: TEXT_COLUMNS.has(name) };
        });
        return SKIP;
      }
      if (cells.length !== columns.length) {
        return rejected(FORMAT, `line has ${cells.length} of ${columns.length} columns`);
      }
      const fields: FlatFields = {};
      const ecs: EcsBuilder = {};
      let time: number | undefined;
      for (let i = 0; i < cells.length; i++) {
        const col = columns[i] as Column;
        const raw = cells[i] as string;
        const value: FieldValue = col.text ? raw : numeric(raw);
        setField(fields, col.name, value);
        if (col.ecs === undefined) continue;
        if (col.ecs === 'time') time = eventTime(raw);
        else if (col.ecs === 'source.ip' || col.ecs === 'destination.ip') putEcs(ecs, col.ecs, cleanIp(raw));
        else if (col.ecs === 'source.port' || col.ecs === 'destination.port') putEcs(ecs, col.ecs, toPort(raw));
        else if (col.ecs === 'network.transport') putEcs(ecs, col.ecs, transportName(raw));
        else if (col.ecs === 'event.duration') {
          // CICFlowMeter durations are microseconds; ECS wants nanoseconds.
          if (typeof value === 'number' && value >= 0) ecs['event.duration'] = value * 1000;
        } else if (typeof value === 'number' && value >= 0) putEcs(ecs, col.ecs, value);
      }
      return parsed(fields, ecs, time);
    },
  };
}

/** A header row names flow columns instead of carrying numbers. */
function isHeader(cells: readonly string[]): boolean {
  let known = 0;
  for (const c of cells) if (COLUMNS.has(c.trim()) || c.trim() === 'Label' || c.trim() === 'Flow ID') known++;
  return known >= 2;
}

function numeric(raw: string): FieldValue {
  if (raw.length === 0) return raw;
  const n = Number(raw);
  if (Number.isFinite(n)) return n;
  // CICFlowMeter writes `Infinity` and `NaN` for rates of zero-length flows: kept as text.
  return raw;
}

function detect(sample: string, name?: string): number {
  const first = sampleLines(sample, 1)[0];
  if (first === undefined) return 0;
  const cells = splitCsv(first.charCodeAt(0) === 0xfeff ? first.slice(1) : first);
  if (cells === undefined || cells.length < 8) return 0;
  let known = 0;
  for (const c of cells) if (COLUMNS.has(c.trim()) || c.trim() === 'Label') known++;
  if (known >= 6) return 0.95;
  if (known >= 3) return 0.7;
  return name !== undefined && name.toLowerCase().endsWith('.csv') && known >= 1 ? 0.3 : 0;
}

/** The `cic-flow` format plug-in: CICFlowMeter / CIC-IDS2017 CSV flow records. */
export const cicFlowFormat: FormatPlugin = {
  name: FORMAT,
  description: 'CSV flow records with the CIC-IDS2017 (CICFlowMeter) columns',
  framing: 'line',
  detect,
  open: openCicFlow,
};
