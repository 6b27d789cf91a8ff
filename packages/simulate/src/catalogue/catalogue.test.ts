import { describe, expect, it } from 'vitest';
import { SIM_FORMATS } from '../types.js';
import { SCENARIOS, scenarioKind } from './scenarios.js';
import { techniqueById, TECHNIQUES } from './techniques.js';

describe('technique and scenario catalogues', () => {
  it('lists each technique once, with ATT&CK-shaped ids, tactics and carriers', () => {
    const ids = TECHNIQUES.map((t) => t.id);
    expect(new Set(ids).size).toBe(ids.length);
    for (const t of TECHNIQUES) {
      expect(t.id).toMatch(/^T\d{4}(\.\d{3})?$/);
      expect(t.name.length).toBeGreaterThan(5);
      expect(t.tactics.length).toBeGreaterThan(0);
      for (const tactic of t.tactics) expect(tactic).toMatch(/^[a-z]+(-[a-z]+)*$/);
      expect(t.carriers.length).toBeGreaterThan(0);
      for (const c of t.carriers) expect(SIM_FORMATS).toContain(c.format);
    }
  });

  it('covers the five families the issue asks for', () => {
    for (const id of ['T1003.001', 'T1021.002', 'T1053.005', 'T1547.001', 'T1048', 'T1110.001']) {
      expect(techniqueById(id), id).toBeDefined();
    }
    expect(techniqueById('T9999')).toBeUndefined();
  });

  it('uses only catalogued techniques in stories, and every technique in some story', () => {
    const used = new Set(SCENARIOS.flatMap((s) => s.techniques));
    for (const id of used) expect(techniqueById(id), id).toBeDefined();
    for (const t of TECHNIQUES) expect(used.has(t.id), t.id).toBe(true);
    expect(new Set(SCENARIOS.map((s) => s.id)).size).toBe(SCENARIOS.length);
  });

  it('recovers the story id from an instance name', () => {
    expect(scenarioKind('rdp-intrusion#2')).toBe('rdp-intrusion');
    expect(scenarioKind('ssh-intrusion')).toBe('ssh-intrusion');
  });
});
