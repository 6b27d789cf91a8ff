/**
 * @module
 * Checks the schemas cannot make, because they need the whole playbook at once: every step a step
 * leads to exists (missing steps), every step can be reached from the start, loops go through a
 * `while-condition` (anything else cycles forever), variables are declared where they are used,
 * conditions are valid STIX patterns over those variables, agents, targets and authentication
 * info exist, and timestamps are in order. Each message names the step and the defect.
 */
import { parseCondition } from '../conditions/condition.js';
import { extensionProblems } from '../cacao/extension.js';
import { cycles, reachable, stepEdges, type StepEdge } from '../cacao/graph.js';
import { idType, IDENTIFIER_PATTERN, STEP_TYPES, VARIABLE_NAME_PATTERN } from '../cacao/types.js';
import { referencedNames, stringsIn } from '../variables/references.js';

/** What the semantic checks found. */
export interface SemanticFindings {
  readonly errors: string[];
  readonly warnings: string[];
}

type Obj = Readonly<Record<string, unknown>>;

const isObj = (v: unknown): v is Obj => v !== null && typeof v === 'object' && !Array.isArray(v);
const keysOf = (v: unknown): string[] => (isObj(v) ? Object.keys(v) : []);
const ptr = (s: string): string => s.replaceAll('~', '~0').replaceAll('/', '~1');
const article = (w: string): string => `${/^[aeiou]/.test(w) ? 'an' : 'a'} ${w}`;

/** Secrets the node keeps by reference only. */
const SECRET_FIELDS = ['password', 'private_key', 'token', 'client_secret'];

/** An e-mail address as contact information carries it: one addr-spec, no list, no shell. */
const EMAIL =
  /^[A-Za-z0-9.!#$%&'*+/=?^_{|}~-]+@[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?(?:\.[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?)+$/;

function checkGraph(doc: Obj, wf: Obj, errors: string[]): void {
  const ids = Object.keys(wf);
  const edges: StepEdge[] = [];
  for (const id of ids) {
    const step = wf[id];
    if (!isObj(step)) continue;
    if (typeof step['type'] === 'string' && STEP_TYPES.includes(step['type'] as never) && idType(id) !== step['type']) {
      errors.push(
        `/workflow/${ptr(id)}: ${article(String(step['type']))} step needs an id of the form ${String(step['type'])}--<uuid>`,
      );
    }
    for (const e of stepEdges(id, step)) {
      if (wf[e.to] === undefined) {
        errors.push(
          `/workflow/${ptr(id)}/${e.via}: names ${e.to}, which is not a step of this workflow (missing step)`,
        );
      } else edges.push(e);
    }
  }
  const start = doc['workflow_start'];
  const roots: string[] = [];
  if (typeof start === 'string') {
    const s = wf[start];
    if (s === undefined)
      errors.push(`/workflow_start: names ${start}, which is not a step of this workflow (missing step)`);
    else {
      roots.push(start);
      if (isObj(s) && s['type'] !== 'start') {
        errors.push(
          `/workflow_start: ${start} is ${article(String(s['type']))} step; the workflow must begin with a start step`,
        );
      }
    }
  }
  const exception = doc['workflow_exception'];
  if (typeof exception === 'string') {
    if (wf[exception] === undefined) {
      errors.push(`/workflow_exception: names ${exception}, which is not a step of this workflow (missing step)`);
    } else roots.push(exception);
  }
  if (roots.length > 0) {
    const seen = reachable(roots, edges);
    for (const id of ids) {
      if (!seen.has(id)) errors.push(`/workflow/${ptr(id)}: unreachable step: no path leads to it from ${roots[0]}`);
    }
  }
  // Loops must pass through a while-condition, whose iteration cap ends them; any other cycle never ends.
  const whiles = new Set(ids.filter((id) => isObj(wf[id]) && (wf[id] as Obj)['type'] === 'while-condition'));
  const looping = edges.filter((e) => !whiles.has(e.from) && !whiles.has(e.to));
  for (const c of cycles(
    ids.filter((id) => !whiles.has(id)),
    looping,
  )) {
    errors.push(`/workflow/${ptr(c[0] as string)}: cycle without a while-condition: ${c.join(' -> ')}`);
  }
  const types = new Set(ids.map((id) => (isObj(wf[id]) ? (wf[id] as Obj)['type'] : undefined)));
  if (
    ids.length > 0 &&
    (!types.has('start') || !types.has('end') || !(types.has('action') || types.has('playbook-action')))
  ) {
    errors.push(
      '/workflow: a playbook needs at least a start step, an action or playbook-action step, and an end step',
    );
  }
}

/** Variables every step may use: the playbook's, plus those steps return through `out_args`. */
function globalNames(doc: Obj, wf: Obj): Set<string> {
  const names = new Set(keysOf(doc['playbook_variables']));
  for (const step of Object.values(wf)) {
    if (!isObj(step) || !Array.isArray(step['out_args'])) continue;
    for (const a of step['out_args']) if (typeof a === 'string') names.add(a);
  }
  return names;
}

function checkVariables(doc: Obj, wf: Obj, errors: string[]): void {
  const global = globalNames(doc, wf);
  for (const [k] of Object.entries(isObj(doc['playbook_variables']) ? (doc['playbook_variables'] as Obj) : {})) {
    if (!VARIABLE_NAME_PATTERN.test(k)) errors.push(`/playbook_variables/${ptr(k)}: not a variable name (__name__)`);
  }
  const unknown = (where: string, name: string, scope: ReadonlySet<string>): void => {
    if (!scope.has(name))
      errors.push(`${where}: unknown variable ${name} (declare it in playbook_variables or step_variables)`);
  };
  for (const [id, step] of Object.entries(wf)) {
    if (!isObj(step)) continue;
    const base = `/workflow/${ptr(id)}`;
    const scope = new Set([...global, ...keysOf(step['step_variables'])]);
    for (const a of ['in_args', 'out_args']) {
      const list = step[a];
      if (!Array.isArray(list)) continue;
      list.forEach((n, i) => {
        if (typeof n === 'string') unknown(`${base}/${a}/${i}`, n, scope);
      });
    }
    for (const s of stringsIn(step, base)) {
      if (s.path === `${base}/condition` || s.path === `${base}/switch`) continue;
      for (const n of referencedNames(s.text)) unknown(s.path, n, scope);
    }
    const condition = step['condition'];
    if (typeof condition === 'string') {
      const c = parseCondition(condition);
      if (!c.ok) errors.push(`${base}/condition: ${c.reason}`);
      else {
        for (const n of c.value.variables) unknown(`${base}/condition`, n, scope);
        if (c.value.otherTypes.length > 0) {
          errors.push(
            `${base}/condition: tests ${c.value.otherTypes.join(', ')}; a condition tests playbook variables ([variable:__name__ ...])`,
          );
        }
      }
    }
    const sw = step['switch'];
    if (typeof sw === 'string') {
      const name = sw.endsWith(':value') ? sw.slice(0, -':value'.length) : sw;
      if (!VARIABLE_NAME_PATTERN.test(name)) errors.push(`${base}/switch: ${sw} is not a variable (__name__:value)`);
      else unknown(`${base}/switch`, name, scope);
    }
  }
  // Agents and targets are shared by every step: only playbook-wide variables reach them.
  for (const dict of ['agent_definitions', 'target_definitions']) {
    for (const s of stringsIn(doc[dict], `/${dict}`))
      for (const n of referencedNames(s.text)) unknown(s.path, n, global);
  }
}

function checkDefinitions(doc: Obj, wf: Obj, errors: string[], warnings: string[]): void {
  const agents = isObj(doc['agent_definitions']) ? (doc['agent_definitions'] as Obj) : {};
  const targets = isObj(doc['target_definitions']) ? (doc['target_definitions'] as Obj) : {};
  const auth = isObj(doc['authentication_info_definitions']) ? (doc['authentication_info_definitions'] as Obj) : {};
  for (const [id, step] of Object.entries(wf)) {
    if (!isObj(step)) continue;
    const base = `/workflow/${ptr(id)}`;
    const agent = step['agent'];
    if (typeof agent === 'string' && agents[agent] === undefined) {
      errors.push(`${base}/agent: names ${agent}, which is not in agent_definitions (missing agent)`);
    }
    const tl = step['targets'];
    if (Array.isArray(tl)) {
      tl.forEach((t, i) => {
        if (typeof t === 'string' && targets[t] === undefined) {
          errors.push(`${base}/targets/${i}: names ${t}, which is not in target_definitions (missing target)`);
        }
      });
    }
    if (
      step['type'] === 'playbook-action' &&
      typeof step['playbook_id'] === 'string' &&
      idType(step['playbook_id']) !== 'playbook'
    ) {
      errors.push(`${base}/playbook_id: ${step['playbook_id']} is not a playbook id`);
    }
  }
  for (const [dict, entries] of [
    ['agent_definitions', agents],
    ['target_definitions', targets],
  ] as const) {
    for (const [id, def] of Object.entries(entries)) {
      if (!isObj(def)) continue;
      const ref = def['authentication_info'];
      if (typeof ref === 'string' && auth[ref] === undefined) {
        errors.push(
          `/${dict}/${ptr(id)}/authentication_info: names ${ref}, which is not in authentication_info_definitions`,
        );
      }
      const email = isObj(def['contact']) ? (def['contact'] as Obj)['email'] : undefined;
      for (const [k, v] of Object.entries(isObj(email) ? email : {})) {
        if (typeof v === 'string' && !EMAIL.test(v)) {
          errors.push(`/${dict}/${ptr(id)}/contact/email/${ptr(k)}: ${JSON.stringify(v)} is not an e-mail address`);
        }
      }
    }
  }
  for (const [id, def] of Object.entries(auth)) {
    if (!isObj(def)) continue;
    for (const f of SECRET_FIELDS) {
      if (typeof def[f] === 'string' && def[f] !== '') {
        warnings.push(
          `/authentication_info_definitions/${ptr(id)}/${f}: a secret inline; the node keeps secrets by reference (kms_key_identifier) and extracts it on add`,
        );
      }
    }
  }
}

function checkMeta(doc: Obj, errors: string[]): void {
  const created = typeof doc['created'] === 'string' ? Date.parse(doc['created']) : NaN;
  const modified = typeof doc['modified'] === 'string' ? Date.parse(doc['modified']) : NaN;
  if (Number.isFinite(created) && Number.isFinite(modified) && modified < created) {
    errors.push(`/modified: ${String(doc['modified'])} is before created (${String(doc['created'])})`);
  }
  const from = typeof doc['valid_from'] === 'string' ? Date.parse(doc['valid_from']) : NaN;
  const until = typeof doc['valid_until'] === 'string' ? Date.parse(doc['valid_until']) : NaN;
  if (Number.isFinite(from) && Number.isFinite(until) && until <= from) {
    errors.push(`/valid_until: ${String(doc['valid_until'])} is not after valid_from (${String(doc['valid_from'])})`);
  }
  if (typeof doc['id'] === 'string' && (!IDENTIFIER_PATTERN.test(doc['id']) || idType(doc['id']) !== 'playbook')) {
    errors.push(`/id: ${doc['id']} is not a playbook identifier (playbook--<uuid>)`);
  }
}

/** Runs every semantic check on a parsed document (which may be malformed: nothing is assumed). */
export function semanticFindings(doc: unknown): SemanticFindings {
  const errors: string[] = [];
  const warnings: string[] = [];
  if (!isObj(doc)) return { errors: ['/: a playbook is a JSON object'], warnings };
  checkMeta(doc, errors);
  const wf = doc['workflow'];
  if (!isObj(wf)) {
    errors.push('/workflow: must be an object of workflow steps keyed by step id');
    return { errors, warnings };
  }
  checkGraph(doc, wf, errors);
  checkVariables(doc, wf, errors);
  checkDefinitions(doc, wf, errors, warnings);
  errors.push(...extensionProblems(doc));
  return { errors, warnings };
}
