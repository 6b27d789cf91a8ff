/**
 * @module
 * KYPO / CyberRangeCZ linear training definitions (`training.json`) in. Levels map as follows:
 * INFO_LEVEL → info; ACCESS_LEVEL → access (its passkey; the cloud content); TRAINING_LEVEL →
 * question compared exactly as KYPO compares (max score, hints with their penalties in their
 * order, solution and whether showing it is penalised, incorrect-answer limit, MITRE
 * techniques); an ASSESSMENT_LEVEL test of one multiple-choice question → choice. What has no
 * counterpart here is listed in the import's notes rather than silently dropped: sandboxes and
 * their topology, reference solutions and expected commands (they grade shell commands in a
 * sandbox), attachments, durations, local-sandbox content, other assessment questions.
 * Variant answers (APG) are kept: each run draws its own answer for the variable, as KYPO's
 * answer storage does per sandbox, and the instructor sees it.
 */
import { z } from 'zod';
import { AppError } from '@intersoc/core';
import { EXERCISE_FORMAT, type Exercise, type Level } from '../exercise/schema.js';

const Str = z.string().max(256 * 1024);
const KypoHint = z.object({
  title: Str.nullish(),
  content: Str.nullish(),
  hint_penalty: z.number().int().min(0).nullish(),
  order: z.number().int().nullish(),
});
const KypoChoice = z.object({ text: Str.nullish(), correct: z.boolean().nullish(), order: z.number().int().nullish() });
const KypoQuestion = z.object({
  question_type: z.string().max(16).nullish(),
  text: Str.nullish(),
  points: z.number().int().nullish(),
  choices: z.array(KypoChoice).max(100).nullish(),
});
const Technique = z.union([z.string().max(32), z.object({ technique_key: z.string().max(32) }).loose()]);
const KypoLevel = z
  .object({
    title: Str.nullish(),
    level_type: z.string().max(32),
    order: z.number().int().nullish(),
    content: Str.nullish(),
    cloud_content: Str.nullish(),
    local_content: Str.nullish(),
    passkey: Str.nullish(),
    answer: Str.nullish(),
    answer_variable_name: z.string().max(256).nullish(),
    variant_answers: z.boolean().nullish(),
    solution: Str.nullish(),
    solution_penalized: z.boolean().nullish(),
    hints: z.array(KypoHint).max(100).nullish(),
    incorrect_answer_limit: z.number().int().nullish(),
    max_score: z.number().int().nullish(),
    attachments: z.array(z.unknown()).max(1000).nullish(),
    reference_solution: z.array(z.unknown()).max(1000).nullish(),
    expected_commands: z.array(z.unknown()).max(1000).nullish(),
    mitre_techniques: z.array(Technique).max(100).nullish(),
    assessment_type: z.string().max(32).nullish(),
    instructions: Str.nullish(),
    questions: z.array(KypoQuestion).max(200).nullish(),
  })
  .loose();
/** The parts of a KYPO linear training definition we read. */
export const KypoTrainingSchema = z
  .object({
    title: Str,
    description: Str.nullish(),
    prerequisites: z.array(Str).max(100).nullish(),
    outcomes: z.array(Str).max(100).nullish(),
    levels: z.array(KypoLevel).min(1).max(200),
  })
  .loose();
export type KypoTraining = z.infer<typeof KypoTrainingSchema>;

/** True when a document looks like a KYPO training definition rather than one of ours. */
export function isKypo(doc: unknown): boolean {
  return (
    typeof doc === 'object' &&
    doc !== null &&
    !('format' in doc) &&
    Array.isArray((doc as { levels?: unknown }).levels) &&
    ((doc as { levels: unknown[] }).levels[0] as { level_type?: unknown } | undefined)?.level_type !== undefined
  );
}

const clip = (s: string | null | undefined, n: number): string => (s ?? '').slice(0, n);
const title = (s: string | null | undefined, fallback: string): string => clip(s, 512).trim() || fallback;

function techniquesOf(list: z.infer<typeof Technique>[] | null | undefined): string[] {
  const out = new Set<string>();
  for (const t of list ?? []) {
    const key = (typeof t === 'string' ? t : t.technique_key).trim().toUpperCase();
    if (/^T\d{4}(\.\d{3})?$/.test(key)) out.add(key);
  }
  return [...out];
}

function hintsOf(hints: z.infer<typeof KypoHint>[] | null | undefined) {
  return [...(hints ?? [])]
    .sort((a, b) => (a.order ?? 0) - (b.order ?? 0))
    .slice(0, 20)
    .map((h, i) => ({
      title: title(h.title, `Hint ${i + 1}`),
      content: clip(h.content, 64 * 1024),
      hint_penalty: Math.min(100_000, h.hint_penalty ?? 0),
    }));
}

/** One KYPO level as ours, with notes on what did not map. */
function level(l: z.infer<typeof KypoLevel>, n: number, notes: string[]): Level {
  const name = title(l.title, `Level ${n}`);
  const where = `level ${n} "${name}"`;
  if ((l.attachments?.length ?? 0) > 0) notes.push(`${where}: ${l.attachments?.length} attachment(s) not imported`);
  if ((l.reference_solution?.length ?? 0) > 0 || (l.expected_commands?.length ?? 0) > 0)
    notes.push(`${where}: reference solution / expected commands grade sandbox commands; not imported`);
  switch (l.level_type) {
    case 'INFO_LEVEL':
      return { type: 'info', title: name, content: clip(l.content, 64 * 1024) };
    case 'ACCESS_LEVEL':
      if (l.local_content) notes.push(`${where}: local-sandbox content dropped (the cloud content is kept)`);
      return {
        type: 'access',
        title: name,
        content: clip(l.cloud_content ?? l.content, 64 * 1024),
        passkey: clip(l.passkey, 512) || 'start',
      };
    case 'TRAINING_LEVEL': {
      const variable = l.variant_answers === true || !l.answer ? (l.answer_variable_name ?? undefined) : undefined;
      if (!l.answer && !variable) throw new AppError('VALIDATION', `${where}: a training level without an answer`);
      if (variable)
        notes.push(
          `${where}: variant answer "${variable}" comes from the KYPO sandbox; each run draws its own value (the instructor sees it)`,
        );
      return {
        type: 'question',
        title: name,
        content: clip(l.content, 64 * 1024),
        max_score: Math.max(0, Math.min(100_000, l.max_score ?? 0)),
        hints: hintsOf(l.hints),
        solution: clip(l.solution, 64 * 1024),
        solution_penalized: l.solution_penalized ?? true,
        incorrect_answer_limit: Math.max(1, Math.min(10_000, l.incorrect_answer_limit ?? 10)),
        techniques: techniquesOf(l.mitre_techniques),
        answer_kind: 'exact',
        answers: l.answer ? [clip(l.answer, 4096)] : [],
        ...(variable ? { answer_variable: clip(variable, 64) } : {}),
      };
    }
    case 'ASSESSMENT_LEVEL': {
      const qs = l.questions ?? [];
      const q = qs[0];
      const choices = [...(q?.choices ?? [])].sort((a, b) => (a.order ?? 0) - (b.order ?? 0));
      if (l.assessment_type === 'TEST' && qs.length === 1 && q?.question_type === 'MCQ' && choices.length >= 2) {
        return {
          type: 'choice',
          title: name,
          content: [clip(l.instructions, 32 * 1024), clip(q.text, 32 * 1024)].filter(Boolean).join('\n\n'),
          max_score: Math.max(0, Math.min(100_000, q.points ?? l.max_score ?? 0)),
          hints: [],
          solution: '',
          solution_penalized: true,
          incorrect_answer_limit: 1,
          techniques: [],
          options: choices.slice(0, 20).map((c, i) => title(c.text, `Option ${i + 1}`)),
          correct: choices.flatMap((c, i) => (c.correct === true && i < 20 ? [i] : [])),
        };
      }
      notes.push(
        `${where}: assessment ${l.assessment_type ?? ''} with ${qs.length} question(s) kept as information only (one multiple-choice test question maps; free-form, EMI and questionnaires do not)`,
      );
      return {
        type: 'info',
        title: name,
        content: [clip(l.instructions, 32 * 1024), ...qs.map((x) => clip(x.text, 4096))].filter(Boolean).join('\n\n'),
      };
    }
    default:
      notes.push(`${where}: level type ${l.level_type} unknown; kept as information`);
      return { type: 'info', title: name, content: clip(l.content, 64 * 1024) };
  }
}

/** A KYPO linear training definition as one of our exercises (not yet validated by ours). */
export function fromKypo(doc: unknown): Exercise {
  const r = KypoTrainingSchema.safeParse(doc);
  if (!r.success) {
    const issue = r.error.issues[0];
    throw new AppError('VALIDATION', `KYPO training: ${issue?.path.join('.') ?? ''}: ${issue?.message ?? 'invalid'}`);
  }
  const k = r.data;
  const notes = ['sandbox definition and topology are not imported: trainees work in a training tenant of this node'];
  const levels = [...k.levels]
    .map((l, i) => ({ l, i }))
    .sort((a, b) => (a.l.order ?? a.i) - (b.l.order ?? b.i))
    .map(({ l }, i) => level(l, i + 1, notes));
  const description = [
    clip(k.description, 16 * 1024),
    ...(k.prerequisites?.length ? [`Prerequisites: ${k.prerequisites.join('; ')}`] : []),
    ...(k.outcomes?.length ? [`Outcomes: ${k.outcomes.join('; ')}`] : []),
  ]
    .filter(Boolean)
    .join('\n\n');
  const techniques = new Set<string>();
  for (const l of levels) if ('techniques' in l) for (const t of l.techniques) techniques.add(t);
  return {
    format: EXERCISE_FORMAT,
    title: title(k.title, 'KYPO training'),
    description,
    techniques: [...techniques].sort(),
    levels,
    provenance: { source: 'kypo', notes: notes.slice(0, 200) },
  };
}
