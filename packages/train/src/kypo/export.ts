/**
 * @module
 * Our exercises out as KYPO / CyberRangeCZ linear training definitions, the same shape KYPO's
 * export writes (and `fromKypo` reads back). Info, access and question levels map one to one;
 * a choice becomes a one-question assessment test; find-it levels and questions answered from
 * the scenario's truth become training levels with a variant answer named after the fact (the
 * value differs per trainee, as KYPO's variant answers differ per sandbox); hands-on tasks have
 * no KYPO counterpart and become training levels whose answer is the check's name. The notes
 * say which levels changed meaning.
 */
import type { ReadyExercise } from '../exercise/levels.js';
import { FIND_TARGETS } from '../exercise/schema.js';

/** A KYPO training definition and what did not carry over exactly. */
export interface KypoExport {
  readonly training: Record<string, unknown>;
  readonly notes: readonly string[];
}

function hints(list: readonly { title: string; content: string; hint_penalty: number }[]) {
  return list.map((h, order) => ({ title: h.title, content: h.content, hint_penalty: h.hint_penalty, order }));
}

/** The exercise as a KYPO `training.json`. */
export function toKypo(ex: ReadyExercise): KypoExport {
  const notes: string[] = [];
  if (ex.scenario) notes.push(`the ${ex.scenario.kind} scenario has no KYPO counterpart (KYPO uses sandboxes)`);
  const levels = ex.levels.map((l, order) => {
    const common = { title: l.title, order, estimated_duration: 0, minimal_possible_solve_time: null };
    switch (l.type) {
      case 'info':
        return { ...common, level_type: 'INFO_LEVEL', content: l.content };
      case 'access':
        return {
          ...common,
          level_type: 'ACCESS_LEVEL',
          passkey: l.passkey,
          cloud_content: l.content,
          local_content: l.content,
        };
      case 'choice':
        return {
          ...common,
          level_type: 'ASSESSMENT_LEVEL',
          assessment_type: 'TEST',
          instructions: l.content,
          max_score: l.max_score,
          questions: [
            {
              question_type: 'MCQ',
              text: l.title,
              points: l.max_score,
              penalty: 0,
              order: 0,
              answer_required: true,
              choices: l.options.map((text, i) => ({ text, correct: l.correct.includes(i), order: i })),
            },
          ],
        };
      case 'question':
      case 'find':
      case 'task': {
        let answer: string | null = null;
        let variable: string | null = null;
        if (l.type === 'question') {
          if (l.answers[0] !== undefined) answer = l.answers[0];
          else variable = l.answer_variable ?? l.answer_from ?? null;
          if (l.answers.length > 1)
            notes.push(`level ${order + 1}: only the first of ${l.answers.length} answers kept`);
          if (l.answer_kind !== 'exact' && answer !== null)
            notes.push(`level ${order + 1}: KYPO compares answers exactly (here: ${l.answer_kind} normalisation)`);
        } else if (l.type === 'find') {
          variable = FIND_TARGETS[l.target] ?? l.target;
          notes.push(`level ${order + 1}: "find it" (${l.target}) exported as a variant answer`);
        } else {
          answer = l.check;
          notes.push(`level ${order + 1}: hands-on task (${l.check}) has no KYPO counterpart`);
        }
        return {
          ...common,
          level_type: 'TRAINING_LEVEL',
          answer,
          answer_variable_name: variable,
          variant_answers: variable !== null,
          content: l.content,
          solution: l.solution,
          solution_penalized: l.solution_penalized,
          hints: hints(l.hints),
          incorrect_answer_limit: l.incorrect_answer_limit,
          attachments: [],
          max_score: l.max_score,
          reference_solution: [],
          mitre_techniques: l.techniques.map((technique_key) => ({ technique_key })),
          expected_commands: [],
          commands_required: false,
        };
      }
    }
  });
  return {
    training: {
      title: ex.title,
      description: ex.description,
      prerequisites: [],
      outcomes: [],
      state: 'UNRELEASED',
      show_stepper_bar: true,
      estimated_duration: 0,
      variant_sandboxes: levels.some((l) => 'variant_answers' in l && l.variant_answers === true),
      levels,
    },
    notes,
  };
}
