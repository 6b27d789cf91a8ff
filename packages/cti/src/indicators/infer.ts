/**
 * @module
 * Recognising observables in free text and CSV cells: IPs and CIDRs, URLs, domains, emails and
 * hashes, with "defanged" forms (`hxxp://`, `[.]`, `(.)`, `[@]`) restored first.
 */
import { hashAlgorithm, normaliseDomain, normaliseEmail, normaliseIp, normaliseUrl } from './normalise.js';
import type { IocKind } from './types.js';

/** Restores defanged notation. */
export function refang(s: string): string {
  return s
    .replace(/\bhxxp(s?):\/\//gi, 'http$1://')
    .replace(/\[\.\]|\(\.\)|\{\.\}|\[dot\]/gi, '.')
    .replace(/\[@\]|\[at\]/gi, '@')
    .replace(/\[:\]/g, ':');
}

/** The kind and normalised value of one token, or undefined when it is no observable. */
export function inferObservable(token: string): { kind: IocKind; value: string } | undefined {
  const t = refang(token.trim()).replace(/^["'<(]+|[>"'),;.]+$/g, '');
  if (t === '') return undefined;
  if (/^[a-z][a-z0-9+.-]*:\/\//i.test(t)) {
    const u = normaliseUrl(t);
    return u ? { kind: 'url', value: u } : undefined;
  }
  if (hashAlgorithm(t)) return { kind: 'hash', value: t.toLowerCase() };
  const ip = /^[0-9a-fA-F:.]+(\/\d{1,3})?$/.test(t) ? normaliseIp(t) : undefined;
  if (ip) return { kind: 'ip', value: ip };
  if (t.includes('@')) {
    const e = normaliseEmail(t);
    return e ? { kind: 'email', value: e } : undefined;
  }
  if (/^(?=.{4,253}$)([a-z0-9_](?:[a-z0-9_-]{0,61}[a-z0-9])?\.)+[a-z][a-z0-9-]{1,62}$/i.test(t)) {
    const d = normaliseDomain(t);
    return d ? { kind: 'domain', value: d } : undefined;
  }
  return undefined;
}

/** Every observable in a text (one per distinct kind and value, in order of appearance). */
export function extractObservables(text: string): { kind: IocKind; value: string }[] {
  const seen = new Set<string>();
  const out: { kind: IocKind; value: string }[] = [];
  for (const line of text.split(/\r?\n/)) {
    const l = line.trim();
    if (l === '' || l.startsWith('#') || l.startsWith('//')) continue;
    for (const token of refang(l).split(/[\s,;|"]+/)) {
      const o = inferObservable(token);
      if (!o) continue;
      const k = `${o.kind}\0${o.value}`;
      if (seen.has(k)) continue;
      seen.add(k);
      out.push(o);
    }
  }
  return out;
}
