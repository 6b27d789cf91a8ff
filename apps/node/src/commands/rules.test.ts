/**
 * The starter pack against the demo simulator: every technique the simulator plays is detected,
 * and benign background records rarely raise an alert.
 */
import { describe, expect, it } from 'vitest';
import type { SocEvent } from '@intersoc/core';
import { loadRuleSet, SigmaDetector, starterPackDir } from '@intersoc/detect';
import { getFormat } from '@intersoc/ingest';
import { BENIGN, simulate, TECHNIQUES } from '@intersoc/simulate';

describe('starter rule pack', () => {
  it('loads without rejections', () => {
    const r = loadRuleSet([starterPackDir()]);
    expect(r.allRejected).toEqual([]);
    expect(r.ruleSet.correlations.length).toBeGreaterThanOrEqual(3);
  });

  it('detects every simulated technique and stays quiet on benign records', { timeout: 300_000 }, () => {
    const { ruleSet } = loadRuleSet([starterPackDir()]);
    const detector = new SigmaDetector({ ruleSet });
    const labels = new Map<string, string>();
    const events: SocEvent[] = [];
    let n = 0;
    for (const r of simulate({ seed: 11, hours: 24, start: Date.UTC(2024, 0, 1) })) {
      const parser = getFormat(r.format)?.open?.({ name: r.source });
      const p = parser?.parse(r.record);
      if (!p || p.ok !== true) continue;
      const id = `sim${n++}`;
      labels.set(id, r.label);
      events.push({
        id,
        time: p.value.time ?? r.time,
        ingested: r.time,
        tenant: 'default',
        source: { format: r.format, kind: 'demo', name: r.source },
        raw: r.record,
        fields: p.value.fields,
        ecs: p.value.ecs,
        label: r.label,
      });
    }
    events.sort((a, b) => a.time - b.time);
    const alerts = [];
    for (let i = 0; i < events.length; i += 2000) alerts.push(...detector.detect(events.slice(i, i + 2000)));
    const detected = new Set<string>();
    const benignAlerted = new Set<string>();
    for (const a of alerts) {
      for (const id of a.eventIds) {
        const label = labels.get(id);
        if (label === BENIGN) benignAlerted.add(id);
        else if (label) detected.add(label);
      }
    }
    const benign = [...labels.values()].filter((l) => l === BENIGN).length;
    const missing = TECHNIQUES.map((t) => t.id).filter((t) => !detected.has(t));
    console.log(
      `starter pack over the simulator: ${events.length} records, ${alerts.length} alerts, techniques detected ${TECHNIQUES.length - missing.length}/${TECHNIQUES.length}, benign records alerted ${benignAlerted.size}/${benign}`,
    );
    expect(missing).toEqual([]);
    expect(benignAlerted.size / benign).toBeLessThan(0.01);
  });
});
