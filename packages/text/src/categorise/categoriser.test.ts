import { describe, expect, it } from 'vitest';
import type { ClassificationInput } from '@intersoc/correlate';
import { LearnedCategoriser, type LabelledIncident } from './categoriser.js';

const base: ClassificationInput = {
  tactics: [],
  techniques: [],
  rules: [],
  maxSeverity: 'medium',
  users: [],
  privileged: false,
  sources: ['host'],
  alertCount: 3,
};

function set(group: string): LabelledIncident[] {
  const out: LabelledIncident[] = [];
  for (let i = 0; i < 6; i++) {
    // A data theft: archive, then upload.
    out.push({
      input: {
        ...base,
        tactics: ['collection', 'exfiltration'],
        techniques: ['T1560.001', 'T1048'],
        rules: [{ title: `Archive and upload ${i}`, kind: 'sigma', count: 4 }],
        maxSeverity: 'high',
        alertCount: 12 + i,
      },
      category: 'information-content-security/data-leak',
      tactic: 'exfiltration',
      group,
    });
    // Admin discovery that analysts call no incident (the table calls it scanning).
    out.push({
      input: {
        ...base,
        tactics: ['discovery'],
        techniques: ['T1087.002'],
        rules: [{ title: `Domain account listing ${i}`, kind: 'sigma', count: 2 }],
        users: ['adm-x'],
        privileged: true,
      },
      category: 'other/undetermined',
      tactic: 'none',
      group,
    });
  }
  return out;
}

describe('the learned categoriser', () => {
  it('answers only where it beat the table on held-out incidents, the table elsewhere', () => {
    const trained = LearnedCategoriser.train(set('a'), 'test');
    const { model, figures } = trained.gate(set('b'));
    expect(figures.learnedAccuracy).toBe(1);
    expect(figures.gatedAccuracy).toBeGreaterThanOrEqual(figures.tableAccuracy);
    // Where both were right (data leak) the table keeps the answer; where only learning was, it answers.
    expect([...model.trusted]).toEqual(['other/undetermined']);
    const leak = model.classify((set('c')[0] as LabelledIncident).input);
    expect(leak.classifier).toBe('rules/2');
    const admin = model.classify((set('c')[1] as LabelledIncident).input);
    expect(admin).toMatchObject({ class: 'other', type: 'undetermined', classifier: 'learned/test' });
    expect(admin.confidence).toBeGreaterThan(0.5);
    const back = LearnedCategoriser.load(model.serialise());
    expect(back.classify((set('c')[1] as LabelledIncident).input)).toEqual(admin);
    expect(back.learned((set('c')[0] as LabelledIncident).input).tactic).toBe('exfiltration');
  });
});
