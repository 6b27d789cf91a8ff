/**
 * @module
 * A small exercise for tests: every level type the scoring cares about, with known policies.
 */
import type { Exercise } from '../exercise/schema.js';

/** Level 1 info, 2 access, 3 question (max 20, hints 3 and 5, limit 3), 4 choice (max 10), 5 question with an unpenalised solution, 6 host question. */
export const SAMPLE: Exercise = {
  format: 'intersoc-exercise/1',
  title: 'Sample',
  description: '',
  techniques: [],
  levels: [
    { type: 'info', title: 'Welcome', content: 'Read me' },
    { type: 'access', title: 'Get in', content: '', passkey: 'start' },
    {
      type: 'question',
      title: 'Which technique?',
      content: '',
      max_score: 20,
      hints: [
        { title: 'h1', content: 'look at the process', hint_penalty: 3 },
        { title: 'h2', content: 'it is PowerShell', hint_penalty: 5 },
      ],
      solution: 'T1059.001',
      solution_penalized: true,
      incorrect_answer_limit: 3,
      techniques: ['T1059.001'],
      answer_kind: 'technique',
      answers: ['T1059.001'],
    },
    {
      type: 'choice',
      title: 'Which are ports of SMB?',
      content: '',
      max_score: 10,
      hints: [],
      solution: '',
      solution_penalized: true,
      incorrect_answer_limit: 5,
      techniques: [],
      options: ['445', '22', '139'],
      correct: [0, 2],
    },
    {
      type: 'question',
      title: 'Free look',
      content: '',
      max_score: 15,
      hints: [{ title: 'h', content: 'x', hint_penalty: 4 }],
      solution: 'answer',
      solution_penalized: false,
      incorrect_answer_limit: 10,
      techniques: [],
      answer_kind: 'text',
      answers: ['answer'],
    },
    {
      type: 'question',
      title: 'Which host?',
      content: '',
      max_score: 25,
      hints: [],
      solution: '',
      solution_penalized: true,
      incorrect_answer_limit: 10,
      techniques: [],
      answer_kind: 'host',
      answers: ['WKS-03'],
    },
  ],
};
