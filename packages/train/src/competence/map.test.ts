import { existsSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { readExercise } from '../exercise/levels.js';
import type { Exercise } from '../exercise/schema.js';
import { progressCsv, progressJson } from '../scoring/export.js';
import { reportOf, type RunAction } from '../scoring/fold.js';
import { loadAtomicIndex, parseAtomicIndex } from './atomic.js';
import { competenceMap } from './map.js';

const repo = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../../..');
const corpora = process.env['INTERSOC_CORPORA'] ?? path.resolve(repo, '../shared/corpora');
const atomicCsv = path.join(
  corpora,
  'response',
  'training',
  'atomic-red-team',
  'atomics',
  'Indexes',
  'Indexes-CSV',
  'index.csv',
);

const INDEX = parseAtomicIndex(
  [
    'Tactic,Technique #,Technique Name,Test #,Test Name,Test GUID,Executor Name',
    'execution,T1059.001,Command and Scripting Interpreter: PowerShell,1,a,g1,powershell',
    'execution,T1059.001,Command and Scripting Interpreter: PowerShell,2,b,g2,powershell',
    'execution,T1053.005,Scheduled Task,1,c,g3,command_prompt',
    'credential-access,T1003.001,LSASS Memory,1,d,g4,powershell',
    'credential-access,T1003.001,LSASS Memory,2,e,g5,powershell',
    'credential-access,T1110.001,Password Guessing,1,f,g6,bash',
    'discovery,T1087.002,Domain Account,1,h,g7,powershell',
  ].join('\n'),
);

const q = (title: string, techniques: string[]) => ({
  type: 'question' as const,
  title,
  max_score: 10,
  answers: ['x'],
  techniques,
});
const ex = (title: string, levels: ReturnType<typeof q>[]) =>
  readExercise({ format: 'intersoc-exercise/1', title, levels } as unknown as Exercise);

describe('competence map', () => {
  const played = ex('Played', [q('ps', ['T1059.001']), q('lsass', ['T1003.001']), q('ps2', ['T1059.001'])]);
  const actions: RunAction[] = [
    { kind: 'answer', level: '1', time: 1, answer: 'x', correct: true },
    { kind: 'solution', level: '2', time: 2, penalized: true, auto: false },
    { kind: 'answer', level: '2', time: 3, answer: 'x', correct: true },
    { kind: 'answer', level: '3', time: 4, answer: 'x', correct: true },
  ];
  const report = reportOf(played.levels, actions);

  it('counts techniques found without the solution, per technique and tactic', () => {
    const map = competenceMap('tim', [{ exercise: played, report }], [], INDEX);
    expect(map.techniques).toEqual([
      {
        id: 'T1003.001',
        name: 'LSASS Memory',
        tactics: ['credential-access'],
        asked: 1,
        found: 0,
        reliability: 0,
      },
      {
        id: 'T1059.001',
        name: 'Command and Scripting Interpreter: PowerShell',
        tactics: ['execution'],
        asked: 2,
        found: 2,
        reliability: 1,
      },
    ]);
    // Discovery was never practised; credential access failed.
    expect(map.weakest).toEqual(['discovery', 'credential-access']);
    expect(map.practice).toEqual([{ id: 'T1087.002', name: 'Domain Account', tests: 1 }]);
  });

  it('suggests the exercise covering most techniques of the weakest tactics', () => {
    const a = ex('Execution again', [q('x', ['T1053.005'])]);
    const b = ex('Credentials', [q('x', ['T1003.001']), q('y', ['T1110.001']), q('z', ['T1087.002'])]);
    const map = competenceMap(
      'tim',
      [{ exercise: played, report }],
      [
        { id: 'a', exercise: a },
        { id: 'b', exercise: b },
      ],
      INDEX,
    );
    expect(map.next).toEqual({ exercise: 'b', title: 'Credentials', covers: ['T1003.001', 'T1087.002', 'T1110.001'] });
  });

  it('exports progress as CSV (formula-safe) and JSON', () => {
    const runs = [{ run: 'r1', trainee: 'tim', exercise: 'e1', title: '=cmd|x', started: 0, report }];
    const csv = progressCsv(runs);
    const lines = csv.trimEnd().split('\r\n');
    expect(lines[0]).toBe(
      'trainee,run,exercise,title,started,level,level_title,type,score,max,hints,attempts,wrong,solved,solution_shown,seconds',
    );
    expect(lines).toHaveLength(4);
    expect(lines[1]).toBe("tim,r1,e1,'=cmd|x,1970-01-01T00:00:00.000Z,1,ps,question,10,10,0,1,0,true,false,0");
    expect(lines[2]).toContain(',2,lsass,question,0,10,0,1,0,true,true,');
    expect(progressJson(runs).trainees).toMatchObject([{ trainee: 'tim', score: 20, max: 30 }]);
  });
});

describe.skipIf(!existsSync(atomicCsv))('the Atomic Red Team index (corpus)', { tags: ['corpus'] }, () => {
  it('names techniques and tactics of the real index', () => {
    const index = loadAtomicIndex(atomicCsv);
    expect(index.techniques.size).toBeGreaterThan(200);
    expect(index.techniques.get('T1059.001')?.name).toMatch(/PowerShell/);
    expect(index.techniques.get('T1059.001')?.tests).toBeGreaterThan(10);
    expect(index.tactics).toEqual(expect.arrayContaining(['execution', 'credential-access', 'discovery']));
    const played = ex('P', [q('ps', ['T1059.001'])]);
    const map = competenceMap(
      'tim',
      [
        {
          exercise: played,
          report: reportOf(played.levels, [{ kind: 'answer', level: '1', time: 1, answer: 'x', correct: true }]),
        },
      ],
      [],
      index,
    );
    expect(map.techniques[0]).toMatchObject({ id: 'T1059.001', tactics: ['execution'], reliability: 1 });
    expect(map.weakest.length).toBeGreaterThan(0);
    expect(map.weakest).not.toContain('execution');
    expect(map.practice.length).toBe(5);
  });
});
