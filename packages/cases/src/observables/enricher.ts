/**
 * @module
 * Observable enrichment from the CTI core: which stored indicators match an observable (exact
 * address or inside a CIDR, domain or a parent domain the indicator covers, URL, hash). The
 * indicator index of a tenant is rebuilt only when its CTI store changed.
 */
import type { AuthContext } from '@intersoc/core';
import {
  indicatorsFromStix,
  networkContains,
  normaliseValue,
  parseNetwork,
  type CtiStore,
  type IocKind,
  type SimpleIndicator,
} from '@intersoc/cti';
import type { Enrichment, ObservableKind } from '../cases/types.js';

/** Looks observables up in threat intelligence. */
export interface ObservableEnricher {
  enrich(ctx: AuthContext, kind: ObservableKind, value: string): Enrichment;
}

const IOC_KINDS: Partial<Record<ObservableKind, IocKind>> = {
  ip: 'ip',
  domain: 'domain',
  url: 'url',
  hash: 'hash',
  email: 'email',
};

interface TenantIndex {
  readonly count: number;
  readonly byValue: Map<string, SimpleIndicator[]>;
  readonly networks: { net: NonNullable<ReturnType<typeof parseNetwork>>; ind: SimpleIndicator }[];
}

/** Enrichment from a CTI store's indicators. */
export class CtiObservableEnricher implements ObservableEnricher {
  private readonly indexes = new Map<string, TenantIndex>();

  constructor(
    private readonly cti: CtiStore,
    private readonly now: () => number = Date.now,
  ) {}

  private index(ctx: AuthContext): TenantIndex {
    const count = this.cti.count(ctx);
    const cached = this.indexes.get(ctx.tenant);
    if (cached && cached.count === count) return cached;
    const indicators: SimpleIndicator[] = [];
    let after: string | undefined;
    for (;;) {
      const page = this.cti.query(ctx, { types: ['indicator'], limit: 1000, ...(after ? { after } : {}) });
      // Each indicator names where the store got it (local, taxii, misp, feed:…) and its TLP.
      for (const o of page.objects) {
        for (const ind of indicatorsFromStix([o.object]).simple) {
          const tlp = o.tlp ?? ind.tlp;
          indicators.push({ ...ind, source: o.provenance.source, ...(tlp === undefined ? {} : { tlp }) });
        }
      }
      if (!page.next) break;
      after = page.next;
    }
    const byValue = new Map<string, SimpleIndicator[]>();
    const networks: TenantIndex['networks'] = [];
    for (const ind of indicators) {
      if (ind.kind === 'ip' && ind.value.includes('/')) {
        const net = parseNetwork(ind.value);
        if (net) networks.push({ net, ind });
        continue;
      }
      const key = `${ind.kind}\0${ind.value}`;
      const list = byValue.get(key);
      if (list) list.push(ind);
      else byValue.set(key, [ind]);
    }
    const idx = { count, byValue, networks };
    this.indexes.set(ctx.tenant, idx);
    return idx;
  }

  enrich(ctx: AuthContext, kind: ObservableKind, value: string): Enrichment {
    const checked = this.now();
    const ioc = IOC_KINDS[kind];
    if (ioc === undefined) return { checked, matches: [] };
    const norm = normaliseValue(ioc, value);
    if (norm === undefined) return { checked, matches: [] };
    const idx = this.index(ctx);
    const found: SimpleIndicator[] = [...(idx.byValue.get(`${ioc}\0${norm}`) ?? [])];
    if (ioc === 'domain') {
      // Parent domains whose indicator covers subdomains.
      const labels = norm.split('.');
      for (let i = 1; i < labels.length - 1; i++) {
        for (const ind of idx.byValue.get(`domain\0${labels.slice(i).join('.')}`) ?? [])
          if (ind.subdomains) found.push(ind);
      }
    }
    if (ioc === 'ip') {
      const addr = parseNetwork(norm);
      if (addr) for (const { net, ind } of idx.networks) if (networkContains(net, addr)) found.push(ind);
    }
    const t = this.now();
    const live = found.filter((i) => !i.revoked && (i.validUntil === undefined || i.validUntil >= t));
    return {
      checked,
      matches: live.map((i) => ({
        id: i.id,
        ...(i.name === undefined ? {} : { name: i.name }),
        ...(i.tlp === undefined ? {} : { tlp: i.tlp }),
        ...(i.confidence === undefined ? {} : { confidence: i.confidence }),
        ...(i.source === undefined ? {} : { source: i.source }),
        ...(i.techniques === undefined ? {} : { techniques: i.techniques }),
      })),
    };
  }
}
