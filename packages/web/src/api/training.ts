/**
 * @module
 * The dashboard's client for training: runs, a run as its trainee plays it, and the trainee's
 * actions (answer, hint, solution). Same session cookie, CSRF header and errors as the rest.
 */
import { request as call } from './client';

/** A run in the list. */
export interface TrainingRunSummary {
  readonly id: string;
  readonly exercise: string;
  readonly title: string;
  readonly trainee: string;
  readonly tenant: string;
  readonly started: number;
  readonly score: number;
  readonly max: number;
  readonly solved: number;
  readonly levels: number;
  readonly hints: number;
}

/** A level as the trainee sees it. */
export interface TrainingLevel {
  readonly id: string;
  readonly title: string;
  readonly type: string;
  readonly max: number;
  readonly content: string;
  readonly options?: readonly string[];
  readonly hints: number;
  readonly hintsTaken: number;
  readonly solved: boolean;
  readonly score: number;
}

/** A run as the trainee plays it. */
export interface TrainingRunView {
  readonly run: string;
  readonly title: string;
  readonly tenant: string;
  readonly trainee: string;
  readonly levels: readonly TrainingLevel[];
  readonly score: number;
  readonly max: number;
}

/** The verdict on an answer. */
export interface TrainingAnswer {
  readonly level: string;
  readonly correct: boolean;
  readonly solved: boolean;
  readonly score: number;
  readonly max: number;
  readonly attempts: number;
  readonly remaining: number | null;
  readonly note?: string;
  readonly solution?: string;
}

/** A level's report: score, hints, attempts and time (the instructor's timings). */
export interface TrainingLevelReport {
  readonly id: string;
  readonly title: string;
  readonly type: string;
  readonly score: number;
  readonly max: number;
  readonly hints: number;
  readonly attempts: number;
  readonly wrong: number;
  readonly solved: boolean;
  readonly solution_shown: boolean;
  readonly seconds: number | null;
}

/** A run's report. */
export interface TrainingReport {
  readonly run: string;
  readonly trainee: string;
  readonly tenant: string;
  readonly score: number;
  readonly max: number;
  readonly levels: readonly TrainingLevelReport[];
}

/** The run's answer key (instructors only). */
export interface TrainingKey {
  readonly run: string;
  readonly trainee: string;
  readonly variables: Readonly<Record<string, string>>;
  readonly levels: readonly {
    readonly id: string;
    readonly title: string;
    readonly type: string;
    readonly accepts: readonly string[];
    readonly mode: 'one' | 'set' | 'action' | 'none';
    readonly tolerance?: number;
    readonly check?: string;
  }[];
}

/** A trainee's competence map over ATT&CK. */
export interface CompetenceMap {
  readonly trainee: string;
  readonly runs: number;
  readonly techniques: readonly {
    readonly id: string;
    readonly name?: string;
    readonly tactics: readonly string[];
    readonly asked: number;
    readonly found: number;
    readonly reliability: number;
  }[];
  readonly tactics: readonly {
    readonly tactic: string;
    readonly asked: number;
    readonly found: number;
    readonly reliability: number;
  }[];
  readonly weakest: readonly string[];
  readonly next?: { readonly exercise: string; readonly title: string; readonly covers: readonly string[] };
  readonly practice: readonly { readonly id: string; readonly name: string; readonly tests: number }[];
}

/** An exercise of the tenant, in the list. */
export interface ExerciseSummary {
  readonly id: string;
  readonly title: string;
  readonly created: number;
  readonly author: string;
  readonly levels: number;
}

/** A run just started. */
export interface StartedRun {
  readonly run: string;
  readonly tenant: string;
  readonly levels: readonly { id: string; title: string; type: string; max: number | null }[];
}

const runUrl = (run: string, what = ''): string => `/api/training/runs/${encodeURIComponent(run)}${what}`;

const level = (run: string, id: string, what: string): string =>
  `/api/training/runs/${encodeURIComponent(run)}/levels/${encodeURIComponent(id)}/${what}`;

/** The training API. */
export const training = {
  runs: (signal?: AbortSignal) =>
    call<{ items: TrainingRunSummary[] }>('GET', '/api/training/runs', signal ? { signal } : {}),
  run: (run: string, signal?: AbortSignal) =>
    call<TrainingRunView>('GET', `/api/training/runs/${encodeURIComponent(run)}`, signal ? { signal } : {}),
  answer: (run: string, id: string, answer: string) =>
    call<TrainingAnswer>('POST', level(run, id, 'answer'), { body: { answer } }),
  hint: (run: string, id: string) =>
    call<{ hint: number; title: string; content: string; penalty: number; remaining: number }>(
      'POST',
      level(run, id, 'hint'),
    ),
  solution: (run: string, id: string) =>
    call<{ solution: string; penalized: boolean; score: number }>('POST', level(run, id, 'solution')),
  report: (run: string, signal?: AbortSignal) =>
    call<TrainingReport>('GET', runUrl(run, '/report'), signal ? { signal } : {}),
  key: (run: string, signal?: AbortSignal) =>
    call<TrainingKey>('GET', runUrl(run, '/answers'), signal ? { signal } : {}),
  access: (run: string, password: string) =>
    call<{ tenant: string; user: string }>('POST', runUrl(run, '/access'), { body: { password } }),
  exercises: (signal?: AbortSignal) =>
    call<{ items: ExerciseSummary[] }>('GET', '/api/training/exercises', signal ? { signal } : {}),
  /** An exercise as our JSON (what the builder edits). */
  exercise: (id: string) =>
    call<Record<string, unknown>>('GET', `/api/training/exercises/${encodeURIComponent(id)}/export`),
  /** Saves an exercise document (ours or KYPO's) as a new exercise of the tenant. */
  saveExercise: (doc: Record<string, unknown>) =>
    call<{ id: string; title: string; levels: number; notes: string[] }>('POST', '/api/training/exercises', {
      body: doc,
    }),
  start: (exercise: string, trainee: string) =>
    call<StartedRun>('POST', '/api/training/runs', { body: { exercise, trainee } }),
  competence: (trainee: string, signal?: AbortSignal) =>
    call<CompetenceMap>(
      'GET',
      `/api/training/trainees/${encodeURIComponent(trainee)}/competence`,
      signal ? { signal } : {},
    ),
};
