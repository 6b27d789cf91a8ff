/**
 * @module
 * Structural rules in code: what the engine relies on, checked whether or not the OASIS schemas
 * are at hand (they are read at run time and may be absent). They are a floor, not a
 * replacement: with the schemas, every schema rule applies as well.
 */
import { IDENTIFIER_PATTERN, STEP_TYPES, TIMESTAMP_PATTERN } from '../cacao/types.js';

type Obj = Readonly<Record<string, unknown>>;
const isObj = (v: unknown): v is Obj => v !== null && typeof v === 'object' && !Array.isArray(v);
const ptr = (s: string): string => s.replaceAll('~', '~0').replaceAll('/', '~1');

const REQUIRED = [
  'type',
  'spec_version',
  'id',
  'name',
  'created_by',
  'created',
  'modified',
  'workflow_start',
  'workflow',
];

function stepProblems(id: string, step: unknown): string[] {
  const at = `/workflow/${ptr(id)}`;
  if (!IDENTIFIER_PATTERN.test(id)) return [`${at}: step ids are identifiers (<type>--<uuid>)`];
  if (!isObj(step)) return [`${at}: must be an object`];
  const type = step['type'];
  if (typeof type !== 'string' || !STEP_TYPES.includes(type as never)) {
    return [`${at}/type: must be one of ${STEP_TYPES.join(', ')}`];
  }
  const out: string[] = [];
  const str = (k: string): void => {
    if (step[k] !== undefined && typeof step[k] !== 'string') out.push(`${at}/${k}: must be a string`);
  };
  ['name', 'on_completion', 'on_success', 'on_failure', 'on_true', 'on_false', 'agent', 'condition', 'switch'].forEach(
    str,
  );
  for (const k of ['delay', 'timeout']) {
    const v = step[k];
    if (v !== undefined && (typeof v !== 'number' || !Number.isInteger(v) || v < 0)) {
      out.push(`${at}/${k}: must be a non-negative integer (milliseconds)`);
    }
  }
  if (type === 'action') {
    const cmds = step['commands'];
    if (!Array.isArray(cmds) || cmds.length === 0) out.push(`${at}/commands: an action needs at least one command`);
    else {
      cmds.forEach((c, i) => {
        if (!isObj(c) || typeof c['type'] !== 'string') out.push(`${at}/commands/${i}: a command needs a type`);
      });
    }
    if (typeof step['agent'] !== 'string') out.push(`${at}/agent: an action needs an agent`);
  }
  if (
    (type === 'if-condition' || type === 'while-condition') &&
    (typeof step['condition'] !== 'string' || typeof step['on_true'] !== 'string')
  ) {
    out.push(`${at}: ${/^[aeiou]/.test(type) ? 'an' : 'a'} ${type} needs condition and on_true`);
  }
  if (type === 'switch-condition' && (typeof step['switch'] !== 'string' || !isObj(step['cases']))) {
    out.push(`${at}: a switch-condition needs switch and cases`);
  }
  if (type === 'parallel' && (!Array.isArray(step['next_steps']) || step['next_steps'].length < 2)) {
    out.push(`${at}/next_steps: a parallel step needs two or more next steps`);
  }
  if (type === 'playbook-action' && typeof step['playbook_id'] !== 'string') out.push(`${at}/playbook_id: required`);
  if (type === 'end' && (step['on_completion'] ?? step['on_success'] ?? step['on_failure']) !== undefined) {
    out.push(`${at}: an end step leads nowhere`);
  }
  return out;
}

/** Problems with the shape of a playbook document, as `<json pointer>: <message>`. */
export function structuralProblems(doc: unknown): string[] {
  if (!isObj(doc)) return ['/: a playbook is a JSON object'];
  const out: string[] = [];
  for (const k of REQUIRED) if (doc[k] === undefined) out.push(`/: required property ${k} is missing`);
  if (doc['type'] !== undefined && doc['type'] !== 'playbook') out.push('/type: must be "playbook"');
  if (doc['spec_version'] !== undefined && doc['spec_version'] !== 'cacao-2.0')
    out.push('/spec_version: must be "cacao-2.0"');
  for (const k of ['id', 'created_by', 'workflow_start', 'workflow_exception']) {
    const v = doc[k];
    if (v !== undefined && (typeof v !== 'string' || !IDENTIFIER_PATTERN.test(v))) out.push(`/${k}: not an identifier`);
  }
  for (const k of ['created', 'modified', 'valid_from', 'valid_until']) {
    const v = doc[k];
    if (v !== undefined && (typeof v !== 'string' || !TIMESTAMP_PATTERN.test(v)))
      out.push(`/${k}: not an RFC 3339 UTC timestamp`);
  }
  if (typeof doc['name'] !== 'string' && doc['name'] !== undefined) out.push('/name: must be a string');
  const wf = doc['workflow'];
  if (wf !== undefined && !isObj(wf)) out.push('/workflow: must be an object');
  if (isObj(wf)) for (const [id, step] of Object.entries(wf)) out.push(...stepProblems(id, step));
  for (const dict of [
    'agent_definitions',
    'target_definitions',
    'authentication_info_definitions',
    'playbook_variables',
  ]) {
    const d = doc[dict];
    if (d === undefined) continue;
    if (!isObj(d)) {
      out.push(`/${dict}: must be an object`);
      continue;
    }
    for (const [k, v] of Object.entries(d)) {
      if (!isObj(v) || typeof v['type'] !== 'string') out.push(`/${dict}/${ptr(k)}: needs a type`);
    }
  }
  return out;
}
