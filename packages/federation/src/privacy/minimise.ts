/**
 * @module
 * Data minimisation before anything leaves the node. Observables (SCOs), sightings and incidents
 * are rewritten field by field under a per-field policy: personal data (internal addresses, user
 * names, email addresses, internal host names) is pseudonymised or removed, internal bookkeeping
 * properties are dropped, free text is scrubbed, references to removed or renamed objects are
 * rewritten, and whatever is no longer valid STIX afterwards is withheld. Indicators travel as
 * they are (they describe the adversary), except that one naming an internal address or host is
 * withheld: it would describe the victim.
 */
import { checkRules, scoId } from '@intersoc/cti';
import { InternalScope, type PersonalKind } from './classify.js';
import type { Pseudonymiser } from './pseudonymise.js';

/** What to do with a field. */
export type FieldAction = 'keep' | 'pseudonymise' | 'remove';

/** The privacy policy. */
export interface PrivacyPolicy {
  /** Action per kind of personal data. */
  readonly kinds: Readonly<Record<PersonalKind, FieldAction>>;
  /** Free text (descriptions, names, subjects) of sightings, incidents, notes and observables. */
  readonly freeText: 'keep' | 'scrub' | 'remove';
  /** Overrides per `<type>.<property>` (e.g. `user-account.display_name`). */
  readonly fields: Readonly<Record<string, FieldAction>>;
  readonly internalNetworks?: readonly string[];
  readonly internalSuffixes?: readonly string[];
}

/** Default: pseudonymise every kind of personal data, scrub free text. */
export const DEFAULT_PRIVACY_POLICY: PrivacyPolicy = {
  kinds: { 'internal-ip': 'pseudonymise', username: 'pseudonymise', email: 'pseudonymise', hostname: 'pseudonymise' },
  freeText: 'scrub',
  fields: {},
};

/** Outcome of minimising a batch. */
export interface Minimised {
  readonly objects: Record<string, unknown>[];
  readonly withheld: { readonly id: string; readonly reason: string }[];
  /** Values pseudonymised and fields removed. */
  readonly pseudonymised: number;
  readonly removed: number;
}

/** Properties kept only inside the node. */
const INTERNAL_PROPERTIES = ['x_intersoc_event_ids', 'x_intersoc_indicator_ref'];
/** Free-text properties, by type ('*' = any type this module rewrites). */
const FREE_TEXT = ['description', 'name', 'subject', 'body', 'content', 'abstract'];
/** Types whose free text is personal-data prone (observables are handled field by field). */
const TEXT_TYPES = new Set([
  'sighting',
  'incident',
  'note',
  'observed-data',
  'opinion',
  'email-message',
  // Reports (the unstructured-intelligence pipeline's STIX `report` bundles) and their kin carry prose.
  'report',
  'grouping',
  'malware-analysis',
]);
/** Types whose `description` only is scrubbed (their name is the adversary's, and indicators keep their pattern). */
const DESCRIBED_TYPES = new Set(['indicator', 'malware', 'tool', 'campaign', 'intrusion-set', 'infrastructure']);

/** A value the node knows to be personal (its privacy inventory: account and workstation names, addresses). */
export interface KnownPersonalValue {
  readonly kind: PersonalKind;
  readonly value: string;
}

/** Rewrites objects for sharing. */
export class Minimiser {
  private readonly scope: InternalScope;
  private readonly known?: { readonly re: RegExp; readonly kinds: ReadonlyMap<string, PersonalKind> };
  private readonly restricted?: RegExp;

  constructor(
    private readonly policy: PrivacyPolicy = DEFAULT_PRIVACY_POLICY,
    private readonly pseudonymiser?: Pseudonymiser,
    /**
     * Values known to be personal, found in free text wherever they occur (user names and
     * workstation names that no pattern recognises), and values of subjects whose processing is
     * restricted (GDPR Art. 18): an object naming one is withheld.
     */
    values: { readonly known?: readonly KnownPersonalValue[]; readonly restricted?: readonly string[] } = {},
  ) {
    this.scope = new InternalScope(policy.internalNetworks, policy.internalSuffixes);
    const known = (values.known ?? []).filter((v) => v.value.trim().length >= 3);
    if (known.length > 0) {
      const kinds = new Map(known.map((v) => [v.value.toLowerCase(), v.kind]));
      this.known = { re: boundedAlternation(known.map((v) => v.value)), kinds };
    }
    const restricted = (values.restricted ?? []).filter((v) => v.trim().length >= 2);
    if (restricted.length > 0) this.restricted = boundedAlternation(restricted);
  }

  /** True for an internal address. */
  isInternalIp(v: string): boolean {
    return this.scope.isInternalIp(v);
  }

  /** True for an internal host name. */
  isInternalHost(v: string): boolean {
    return this.scope.isInternalHost(v);
  }

  /** The action for one field, degraded to `remove` when pseudonymising is impossible (no key). */
  private action(type: string, prop: string, kind: PersonalKind): FieldAction {
    const a = this.policy.fields[`${type}.${prop}`] ?? this.policy.kinds[kind];
    return a === 'pseudonymise' && !this.pseudonymiser ? 'remove' : a;
  }

  /** Pseudonym or undefined (= remove) for a value under the field's action. */
  private rewrite(type: string, prop: string, kind: PersonalKind, value: string, n: Counters): string | undefined {
    const a = this.action(type, prop, kind);
    if (a === 'keep') return value;
    if (a === 'remove' || !this.pseudonymiser) {
      n.removed++;
      return undefined;
    }
    n.pseudonymised++;
    return this.pseudonymiser.pseudonym(kind, value);
  }

  /** A context entity (`{type, value, role}`) as it may leave, or undefined. */
  entity(e: { type: string; value: string; role?: string }, n: Counters = counters()): typeof e | undefined {
    const kind: PersonalKind | undefined =
      e.type === 'host'
        ? 'hostname'
        : e.type === 'user'
          ? 'username'
          : e.type === 'ip' && this.scope.isInternalIp(e.value)
            ? 'internal-ip'
            : e.type === 'domain' && this.scope.isInternalHost(e.value)
              ? 'hostname'
              : undefined;
    if (!kind) return e;
    const v = this.rewrite('x-intersoc-context', e.type, kind, e.value, n);
    return v === undefined ? undefined : { ...e, value: v };
  }

  /** Scrubs internal addresses, emails and internal host names out of text. */
  scrub(text: string, n: Counters = counters()): string {
    let out = text.replace(EMAIL, (m) => this.rewrite('text', 'email', 'email', m, n) ?? '[email removed]');
    // A profile path names its owner: C:\Users\NAME\, /home/NAME/.
    out = out.replace(
      USER_PATH,
      (_m, head: string, name: string) =>
        `${head}${this.rewrite('text', 'user', 'username', name, n) ?? '[user removed]'}`,
    );
    if (this.known) {
      const { re, kinds } = this.known;
      re.lastIndex = 0;
      out = out.replace(re, (m) => {
        const kind = kinds.get(m.toLowerCase()) ?? 'username';
        return this.rewrite('text', kind, kind, m, n) ?? `[${kind === 'internal-ip' ? 'address' : kind} removed]`;
      });
    }
    out = out.replace(IPV4, (m) =>
      this.scope.isInternalIp(m) ? (this.rewrite('text', 'ip', 'internal-ip', m, n) ?? '[address removed]') : m,
    );
    out = out.replace(HOST, (m) =>
      m.includes('.') && this.scope.isInternalHost(m) && !m.endsWith('.invalid')
        ? (this.rewrite('text', 'host', 'hostname', m, n) ?? '[host removed]')
        : m,
    );
    return out;
  }

  /** Minimises a batch (objects may reference each other). */
  minimise(input: readonly Readonly<Record<string, unknown>>[]): Minimised {
    const n = counters();
    const renamed = new Map<string, string | null>();
    const withheld: { id: string; reason: string }[] = [];
    const firstPass: Record<string, unknown>[] = [];
    // Objects this pass leaves as they were need no new validation (the store validated them).
    const changed = new Set<Record<string, unknown>>();
    for (const original of input) {
      const id = String(original['id'] ?? '');
      const before = n.pseudonymised + n.removed;
      const r = this.object(original, n);
      if (typeof r === 'string') {
        withheld.push({ id, reason: r });
        renamed.set(id, null);
        continue;
      }
      if (r['id'] !== id) renamed.set(id, r['id'] as string);
      if (n.pseudonymised + n.removed !== before) changed.add(r);
      firstPass.push(r);
    }
    const objects: Record<string, unknown>[] = [];
    for (const o of firstPass) {
      const fixed = renamed.size > 0 ? remapRefs(o, renamed) : o;
      if (fixed === o && !changed.has(o)) {
        objects.push(o);
        continue;
      }
      const issues = checkRules(fixed);
      if (issues.length > 0) {
        withheld.push({
          id: String(o['id']),
          reason: `not valid after minimisation: ${issues[0]?.path}: ${issues[0]?.message}`,
        });
        continue;
      }
      objects.push(fixed);
    }
    return { objects, withheld, pseudonymised: n.pseudonymised, removed: n.removed };
  }

  /** One object rewritten, or the reason it is withheld. */
  private object(o: Readonly<Record<string, unknown>>, n: Counters): Record<string, unknown> | string {
    const type = String(o['type'] ?? '');
    if (this.restricted) {
      this.restricted.lastIndex = 0;
      if (this.restricted.test(JSON.stringify(o)))
        return 'names a subject whose processing is restricted (GDPR Art. 18)';
    }
    // Most shared objects are indicators with nothing to drop: they leave as they are.
    const internal = INTERNAL_PROPERTIES.some((p) => p in o);
    const out: Record<string, unknown> = type === 'indicator' && !internal ? (o as Record<string, unknown>) : { ...o };
    if (internal)
      for (const p of INTERNAL_PROPERTIES) {
        if (p in out) {
          delete out[p];
          n.removed++;
        }
      }
    switch (type) {
      case 'indicator': {
        const described = typeof o['description'] === 'string' && this.policy.freeText !== 'keep';
        const d = described ? this.scrub(o['description'] as string, n) : undefined;
        const pattern = typeof o['pattern'] === 'string' ? o['pattern'] : '';
        for (const lit of pattern.matchAll(/'((?:[^'\\]|\\.)*)'/g)) {
          const v = lit[1] as string;
          if (
            this.scope.isInternalIp(v.split('/')[0] as string) &&
            this.action(type, 'pattern', 'internal-ip') !== 'keep'
          )
            return `indicator names an internal address (${v})`;
          if (/^[a-z0-9.-]+$/i.test(v) && v.includes('.') && this.scope.isInternalHost(v))
            if (this.action(type, 'pattern', 'hostname') !== 'keep') return `indicator names an internal host (${v})`;
        }
        return d === undefined || d === o['description'] ? out : { ...out, description: d };
      }
      case 'ipv4-addr':
      case 'ipv6-addr': {
        const value = String(o['value'] ?? '');
        if (!this.scope.isInternalIp(value)) return out;
        const v = this.rewrite(type, 'value', 'internal-ip', value, n);
        if (v === undefined) return 'internal address removed';
        // A pseudonymous address is IPv6 whatever the original family.
        const pseud: Record<string, unknown> = { type: 'ipv6-addr', spec_version: '2.1', value: v };
        if (o['object_marking_refs']) pseud['object_marking_refs'] = o['object_marking_refs'];
        return { ...pseud, id: scoId('ipv6-addr', { value: v }) };
      }
      case 'domain-name': {
        const value = String(o['value'] ?? '');
        if (!this.scope.isInternalHost(value)) return out;
        const v = this.rewrite(type, 'value', 'hostname', value, n);
        if (v === undefined) return 'internal host name removed';
        out['value'] = v;
        out['id'] = scoId('domain-name', { value: v });
        return out;
      }
      case 'user-account': {
        for (const prop of ['account_login', 'user_id', 'display_name']) {
          const value = out[prop];
          if (typeof value !== 'string') continue;
          const v = this.rewrite(type, prop, 'username', value, n);
          if (v === undefined) delete out[prop];
          else out[prop] = v;
        }
        if ('credential' in out) {
          delete out['credential'];
          n.removed++;
        }
        if (out['account_login'] === undefined && out['user_id'] === undefined) return 'user account removed';
        out['id'] = scoId('user-account', out);
        return out;
      }
      case 'email-addr': {
        const value = String(o['value'] ?? '');
        const v = this.rewrite(type, 'value', 'email', value, n);
        if (v === undefined) return 'email address removed';
        out['value'] = v;
        if (typeof out['display_name'] === 'string') {
          const d = this.rewrite(type, 'display_name', 'username', out['display_name'], n);
          if (d === undefined) delete out['display_name'];
          else out['display_name'] = d;
        }
        out['id'] = scoId('email-addr', { value: v });
        return out;
      }
      case 'sighting': {
        const ctx = out['x_intersoc_context'];
        if (Array.isArray(ctx)) {
          out['x_intersoc_context'] = ctx
            .filter((e): e is { type: string; value: string; role?: string } => isEntity(e))
            .map((e) => this.entity(e, n))
            .filter((e) => e !== undefined);
        }
        break;
      }
      default:
        break;
    }
    if (TEXT_TYPES.has(type)) this.text(type, out, n);
    else if (DESCRIBED_TYPES.has(type) && typeof out['description'] === 'string' && this.policy.freeText !== 'keep')
      out['description'] = this.scrub(out['description'], n);
    if (type === 'email-message' && 'additional_header_fields' in out) {
      delete out['additional_header_fields'];
      n.removed++;
    }
    return out;
  }

  private text(type: string, out: Record<string, unknown>, n: Counters): void {
    for (const prop of FREE_TEXT) {
      const v = out[prop];
      if (typeof v !== 'string') continue;
      const mode = this.policy.fields[`${type}.${prop}`] ?? this.policy.freeText;
      if (mode === 'keep') continue;
      // `name` is required on some types: scrubbed rather than removed.
      if (mode === 'remove' && prop !== 'name') {
        delete out[prop];
        n.removed++;
      } else out[prop] = this.scrub(v, n);
    }
  }
}

/** Counters of changes. */
export interface Counters {
  pseudonymised: number;
  removed: number;
}

function counters(): Counters {
  return { pseudonymised: 0, removed: 0 };
}

function isEntity(e: unknown): boolean {
  const x = e as { type?: unknown; value?: unknown } | null;
  return !!x && typeof x.type === 'string' && typeof x.value === 'string';
}

const EMAIL = /[A-Za-z0-9._%+-]+@[A-Za-z0-9.-]+\.[A-Za-z]{2,}/g;
const USER_PATH =
  /((?:\b[A-Za-z]:)?\\+(?:Users|Documents and Settings)\\+|\/home\/|\/Users\/)((?!Public\b|Default\b|All Users\b)[^\\/\s"'`<>|]+)/gi;

/** A global, case-insensitive expression for any of `values`, bounded like search tokens. */
function boundedAlternation(values: readonly string[]): RegExp {
  const vs = [...new Set(values)].sort((a, b) => b.length - a.length);
  const alt = vs.map((v) => v.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')).join('|');
  return new RegExp(`(?<![\\p{L}\\p{N}_])(?:${alt})(?![\\p{L}\\p{N}_])`, 'giu');
}
const IPV4 = /\b(?:25[0-5]|2[0-4]\d|1?\d?\d)(?:\.(?:25[0-5]|2[0-4]\d|1?\d?\d)){3}\b/g;
const HOST = /\b[A-Za-z0-9](?:[A-Za-z0-9-]{0,62})(?:\.[A-Za-z0-9-]{1,63})+\b/g;

/** Rewrites `*_ref` and `*_refs` properties after objects were renamed or removed. */
function touchesRenamed(o: Record<string, unknown>, renamed: ReadonlyMap<string, string | null>): boolean {
  for (const k in o) {
    const v = o[k];
    if (typeof v === 'string') {
      if (k.endsWith('_ref') && renamed.has(v)) return true;
    } else if (Array.isArray(v) && k.endsWith('_refs')) {
      for (const x of v) if (typeof x === 'string' && renamed.has(x)) return true;
    }
  }
  return false;
}

function remapRefs(o: Record<string, unknown>, renamed: ReadonlyMap<string, string | null>): Record<string, unknown> {
  if (!touchesRenamed(o, renamed)) return o;
  const out: Record<string, unknown> = { ...o };
  for (const [k, v] of Object.entries(o)) {
    if (k.endsWith('_ref') && typeof v === 'string' && renamed.has(v)) {
      const to = renamed.get(v);
      if (to) out[k] = to;
      else delete out[k];
    } else if (k.endsWith('_refs') && Array.isArray(v)) {
      const mapped = v
        .map((x) => (typeof x === 'string' && renamed.has(x) ? renamed.get(x) : x))
        .filter((x) => x !== null && x !== undefined);
      if (mapped.length > 0) out[k] = mapped;
      else delete out[k];
    }
  }
  return out;
}
