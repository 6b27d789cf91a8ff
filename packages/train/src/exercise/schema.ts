/**
 * @module
 * The exercise format (`intersoc-exercise/1`): a scenario, levels in order, and the scoring
 * policy of each level. Scoring fields keep KYPO's names (`max_score`, `hint_penalty`,
 * `solution_penalized`, `incorrect_answer_limit`) so a KYPO linear training maps onto it
 * without renaming, and exports back the same way.
 */
import { z } from 'zod';

/** Format tag of our exercise documents. */
export const EXERCISE_FORMAT = 'intersoc-exercise/1';

/** Limits on what an imported document may hold (untrusted input). */
export const LIMITS = {
  levels: 100,
  hints: 20,
  text: 64 * 1024,
  options: 20,
  answers: 50,
} as const;

const Text = z.string().max(LIMITS.text);
const Short = z.string().min(1).max(512);
/** ATT&CK technique id, e.g. `T1059` or `T1059.001`. */
export const TechniqueId = z.string().regex(/^T\d{4}(\.\d{3})?$/, 'not an ATT&CK technique id (T1234 or T1234.001)');

/** A hint and what it costs. */
export const HintSchema = z
  .object({
    title: Short,
    content: Text,
    hint_penalty: z.number().int().min(0).max(100_000),
  })
  .strict();
export type Hint = z.infer<typeof HintSchema>;

/** How free answers are compared (see `answers/normalise.ts`). */
export const ANSWER_KINDS = ['exact', 'text', 'host', 'user', 'ip', 'hash', 'technique', 'number'] as const;
export type AnswerKind = (typeof ANSWER_KINDS)[number];

/**
 * Facts of the scenario's ground truth an answer can be taken from; resolved per run (and
 * renamed for the trainee) when the run starts.
 */
export const TRUTH_FACTS = [
  'first_host',
  'initial_technique',
  'attack_hosts',
  'attack_users',
  'techniques',
  'attack_alerts',
  'false_positives',
] as const;
export type TruthFact = (typeof TRUTH_FACTS)[number];

/** What a "find it" level asks for, and the truth fact that answers it. */
export const FIND_TARGETS: Readonly<Record<string, TruthFact>> = {
  'first-host': 'first_host',
  'initial-technique': 'initial_technique',
  'attack-hosts': 'attack_hosts',
  'attack-users': 'attack_users',
  'attack-alerts': 'attack_alerts',
  'false-positives': 'false_positives',
};

/** Hands-on checks against what the trainee did in the tool. */
export const TASK_CHECKS = ['case-from-incident', 'playbook-run', 'sigma-rule'] as const;
export type TaskCheck = (typeof TASK_CHECKS)[number];

const Scored = {
  max_score: z.number().int().min(0).max(100_000),
  hints: z.array(HintSchema).max(LIMITS.hints).default([]),
  solution: Text.default(''),
  solution_penalized: z.boolean().default(true),
  incorrect_answer_limit: z.number().int().min(1).max(10_000).default(10),
  /** ATT&CK techniques the level trains (the competence map counts them). */
  techniques: z.array(TechniqueId).max(50).default([]),
};

const Base = {
  /** Stable id within the exercise; defaults to the level's position (1, 2, ...). */
  id: z
    .string()
    .regex(/^[A-Za-z0-9][A-Za-z0-9_.-]{0,63}$/, 'level ids are 1-64 letters, digits, . _ -')
    .optional(),
  title: Short,
  content: Text.default(''),
};

/** Reading only: no answer, no score. */
export const InfoLevelSchema = z.object({ ...Base, type: z.literal('info') }).strict();
/** A passkey opens the way (KYPO's access level); no score. */
export const AccessLevelSchema = z.object({ ...Base, type: z.literal('access'), passkey: Short }).strict();
/** A free answer, compared after normalisation for its kind. */
export const QuestionLevelSchema = z
  .object({
    ...Base,
    ...Scored,
    type: z.literal('question'),
    answer_kind: z.enum(ANSWER_KINDS).default('text'),
    /** Accepted answers (any one is right). */
    answers: z.array(z.string().min(1).max(4096)).max(LIMITS.answers).default([]),
    /** Or: the answer comes from the scenario's ground truth. */
    answer_from: z.enum(TRUTH_FACTS).optional(),
    /**
     * Or: a per-run variable (KYPO's variant answers): each run draws its own value, which the
     * instructor sees and the solution's `${ANSWER}` shows.
     */
    answer_variable: z
      .string()
      .regex(/^[A-Za-z0-9_.-]{1,64}$/)
      .optional(),
  })
  .strict()
  .refine(
    (l) => l.answers.length > 0 || l.answer_from !== undefined || l.answer_variable !== undefined,
    'a question needs answers, answer_from or answer_variable',
  );
/** Multiple choice: the set of chosen options must equal the correct set. */
export const ChoiceLevelSchema = z
  .object({
    ...Base,
    ...Scored,
    type: z.literal('choice'),
    options: z.array(Short).min(2).max(LIMITS.options),
    /** 0-based indexes of the correct options. */
    correct: z.array(z.number().int().min(0)).min(1).max(LIMITS.options),
  })
  .strict()
  .refine((l) => l.correct.every((i) => i < l.options.length), 'correct names an option that does not exist');
/** "Find it": checked against the scenario's ground truth. */
export const FindLevelSchema = z
  .object({
    ...Base,
    ...Scored,
    type: z.literal('find'),
    target: z.enum([
      'first-host',
      'initial-technique',
      'attack-hosts',
      'attack-users',
      'attack-alerts',
      'false-positives',
    ]),
    /**
     * For set answers (alerts, hosts, users): the F1 score against the truth that counts as right
     * (1 = the exact set). Marking every alert of a 24-hour scenario by hand is no exercise.
     */
    tolerance: z.number().min(0.5).max(1).default(0.9),
  })
  .strict();
/** Hands-on: checked against what the trainee did in the tool, in the training tenant. */
export const TaskLevelSchema = z
  .object({
    ...Base,
    ...Scored,
    type: z.literal('task'),
    check: z.enum(TASK_CHECKS),
    /** For `playbook-run`: the playbook (id or name) that must have run. */
    playbook: z.string().min(1).max(256).optional(),
    /**
     * For `sigma-rule`: the share of the attack events (those of the level's `techniques`, or all
     * of them) the rule must match; it must match no benign event.
     */
    recall: z.number().min(0.1).max(1).default(1),
  })
  .strict()
  .refine((l) => l.check !== 'playbook-run' || l.playbook !== undefined, 'a playbook-run task names its playbook');

/** Any level. */
export const LevelSchema = z.discriminatedUnion('type', [
  InfoLevelSchema,
  AccessLevelSchema,
  QuestionLevelSchema,
  ChoiceLevelSchema,
  FindLevelSchema,
  TaskLevelSchema,
]);
export type Level = z.infer<typeof LevelSchema>;
export type LevelType = Level['type'];
/** Levels with a score policy. */
export type ScoredLevel = Extract<Level, { max_score: number }>;

/** Replayed telemetry from the attack simulator (times end now). */
export const SimulatorScenarioSchema = z
  .object({
    kind: z.literal('simulator'),
    seed: z
      .number()
      .int()
      .min(0)
      .max(2 ** 31),
    hours: z.number().positive().max(72),
  })
  .strict();
/**
 * Replayed records whose ground truth is known: a labelled dataset, or a closed incident's
 * events made anonymous. Each record carries its format and, when known, its label.
 */
export const RecordsScenarioSchema = z
  .object({
    kind: z.literal('records'),
    /** Where the records came from (a dataset path, `incident:<id>`). */
    origin: z.string().max(1024),
    records: z
      .array(
        z
          .object({
            format: z.string().min(1).max(64),
            source: z.string().max(256).default('training'),
            record: z.string().max(256 * 1024),
            /** `benign`, an ATT&CK technique id, or absent when unknown. */
            label: z.string().max(32).optional(),
          })
          .strict(),
      )
      .max(200_000),
    /** Facts known about the records (hosts, users, techniques, first host). */
    truth: z
      .object({
        first_host: z.string().max(256).optional(),
        initial_technique: TechniqueId.optional(),
        attack_hosts: z.array(z.string().max(256)).max(1000).default([]),
        attack_users: z.array(z.string().max(256)).max(1000).default([]),
        techniques: z.array(TechniqueId).max(500).default([]),
      })
      .strict(),
    /** Names to rename per trainee (hosts and users in the records). */
    names: z
      .object({
        hosts: z.array(z.string().min(1).max(256)).max(10_000).default([]),
        users: z.array(z.string().min(1).max(256)).max(10_000).default([]),
      })
      .strict()
      .default({ hosts: [], users: [] }),
  })
  .strict();
export const ScenarioSchema = z.discriminatedUnion('kind', [SimulatorScenarioSchema, RecordsScenarioSchema]);
export type Scenario = z.infer<typeof ScenarioSchema>;

/** An exercise document. */
export const ExerciseSchema = z
  .object({
    format: z.literal(EXERCISE_FORMAT),
    title: Short,
    description: Text.default(''),
    /** ATT&CK techniques the exercise covers (the competence map's suggestions use them). */
    techniques: z.array(TechniqueId).max(500).default([]),
    scenario: ScenarioSchema.optional(),
    levels: z.array(LevelSchema).min(1).max(LIMITS.levels),
    /** Where an imported exercise came from, and what did not map. */
    provenance: z
      .object({
        source: z.string().max(256),
        notes: z.array(z.string().max(1024)).max(200).default([]),
      })
      .strict()
      .optional(),
  })
  .strict();
export type Exercise = z.infer<typeof ExerciseSchema>;
