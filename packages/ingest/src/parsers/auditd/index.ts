/**
 * @module
 * Raw Linux audit log lines (`/var/log/audit/audit.log`), one record per line:
 * `type=SYSCALL msg=audit(1364481363.243:24287): arch=c000003e syscall=59 success=yes ...`.
 * Records of one event share the `audit.serial` field.
 */
import type { FlatFields, FormatPlugin, ParseResult, RecordParser } from '@intersoc/core';
import type { EcsBuilder } from '../../internal/ecs.js';
import { parsed, rejected, SKIP } from '../../internal/record.js';
import { isBlank, sampleLines } from '../../internal/text.js';
import { parseAuditBody } from './body.js';

const FORMAT = 'auditd';

/** Parses one audit.log line. */
export function parseAuditLine(line: string): ParseResult {
  if (isBlank(line)) return SKIP;
  const fields: FlatFields = {};
  const ecs: EcsBuilder = {};
  const body = parseAuditBody(line.trimEnd(), fields, ecs);
  if (!body.ok) return rejected(FORMAT, body.reason);
  return parsed(fields, ecs, body.time);
}

function open(): RecordParser {
  return { parse: parseAuditLine };
}

function detect(sample: string): number {
  const lines = sampleLines(sample, 3);
  const first = lines[0] ?? '';
  if ((first.startsWith('type=') || first.startsWith('node=')) && first.includes(' msg=audit(')) return 0.95;
  return 0;
}

/** The `auditd` format plug-in: Linux audit.log lines. */
export const auditdFormat: FormatPlugin = {
  name: FORMAT,
  description: 'Linux audit.log records (type=... msg=audit(...): key=value ...)',
  framing: 'line',
  detect,
  open,
};
