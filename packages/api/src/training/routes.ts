/**
 * @module
 * Training routes (`/api/training/...`): exercises (import ours or a KYPO `training.json`, list,
 * export), runs (start one for a trainee, which creates its training tenant; list), and the
 * trainee's actions on a run's levels (answer, hint, solution) and its report, the same
 * operations as `intersoc training`. Admins and instructors manage exercises and runs of their
 * tenant; a trainee acts on their own runs only, from their home tenant or as their account in
 * the run's training tenant (a viewer there). A run the caller may not see is "not found".
 */
import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import type { AuthContext, Role } from '@intersoc/core';
import { authOf, noteAudit, scopeFor } from '../access/request-state.js';
import { TenantParam } from '../dashboard/common.js';
import { ERROR_RESPONSES } from '../internal/app-types.js';
import type { ApiApp } from '../internal/app-types.js';

/** Who builds exercises and starts runs. */
export const INSTRUCTORS: readonly Role[] = ['admin', 'instructor'];
/**
 * Who may act on a run (the service checks it is theirs): trainees' accounts in training tenants
 * are analysts there (viewers before hands-on levels existed).
 */
export const PLAYERS: readonly Role[] = ['admin', 'instructor', 'trainee', 'analyst', 'viewer'];

/** What the routes need from the training domain (`TrainingService` satisfies it). */
export interface TrainingApiService {
  importExercise(ctx: AuthContext, doc: unknown): { id: string; title: string; levels: number; notes: string[] };
  exercises(ctx: AuthContext): { id: string; title: string; created: number; author: string; levels: number }[];
  exportExercise(ctx: AuthContext, id: string, format: 'intersoc' | 'kypo'): unknown;
  start(ctx: AuthContext, exercise: string, trainee: string): Promise<StartedRunOut>;
  runs(ctx: AuthContext): readonly RunSummaryOut[];
  answer(ctx: AuthContext, run: string, level: string, answer: string): Promise<AnswerOut>;
  answers(ctx: AuthContext, run: string): Promise<z.infer<typeof AnswersSchema>>;
  access(ctx: AuthContext, run: string, password?: string): Promise<z.infer<typeof AccessSchema>>;
  hint(ctx: AuthContext, run: string, level: string): HintOut;
  solution(ctx: AuthContext, run: string, level: string): SolutionOut;
  report(ctx: AuthContext, run: string): ReportOut;
  view(ctx: AuthContext, run: string): z.infer<typeof RunViewSchema>;
  actions(ctx: AuthContext, run: string): readonly unknown[];
  competence(ctx: AuthContext, trainee: string): Promise<object>;
  progress(ctx: AuthContext, trainee?: string): readonly ProgressRunOut[];
}

/** A run's report with who played what (progress export). */
export interface ProgressRunOut {
  readonly run: string;
  readonly trainee: string;
  readonly exercise: string;
  readonly title: string;
  readonly started: number;
  readonly report: object;
}

/** Turns progress into CSV or JSON (`progressCsv`, `progressJson` of the training domain). */
export interface ProgressFormats {
  csv(runs: readonly ProgressRunOut[]): string;
  json(runs: readonly ProgressRunOut[]): object;
}

const LevelOut = z.object({ id: z.string(), title: z.string(), type: z.string(), max: z.number() });
const StartedRunSchema = z.object({
  run: z.string(),
  tenant: z.string(),
  levels: z.array(LevelOut).readonly(),
  exercise: z.string(),
  trainee: z.string(),
  replayed: z.number(),
});
type StartedRunOut = z.infer<typeof StartedRunSchema>;
const RunSummarySchema = z.object({
  id: z.string(),
  exercise: z.string(),
  title: z.string(),
  trainee: z.string(),
  tenant: z.string(),
  started: z.number(),
  score: z.number(),
  max: z.number(),
  solved: z.number(),
  levels: z.number(),
  hints: z.number(),
});
type RunSummaryOut = z.infer<typeof RunSummarySchema>;
const AnswerSchema = z.object({
  level: z.string(),
  correct: z.boolean(),
  solved: z.boolean(),
  score: z.number(),
  max: z.number(),
  attempts: z.number(),
  remaining: z.number().nullable(),
  note: z.string().optional(),
  solution: z.string().optional(),
});
type AnswerOut = z.infer<typeof AnswerSchema>;
const HintSchema = z.object({
  level: z.string(),
  hint: z.number(),
  title: z.string(),
  content: z.string(),
  penalty: z.number(),
  remaining: z.number(),
});
type HintOut = z.infer<typeof HintSchema>;
const SolutionSchema = z.object({ level: z.string(), solution: z.string(), penalized: z.boolean(), score: z.number() });
type SolutionOut = z.infer<typeof SolutionSchema>;
const LevelReportSchema = z.object({
  id: z.string(),
  title: z.string(),
  type: z.string(),
  score: z.number(),
  max: z.number(),
  hints: z.number(),
  attempts: z.number(),
  wrong: z.number(),
  solved: z.boolean(),
  solution_shown: z.boolean(),
  seconds: z.number().nullable(),
});
const ReportSchema = z.object({
  run: z.string(),
  trainee: z.string(),
  tenant: z.string(),
  score: z.number(),
  max: z.number(),
  levels: z.array(LevelReportSchema).readonly(),
});
type ReportOut = z.infer<typeof ReportSchema>;

const RunViewSchema = z.object({
  run: z.string(),
  title: z.string(),
  tenant: z.string(),
  trainee: z.string(),
  levels: z.array(
    z.object({
      id: z.string(),
      title: z.string(),
      type: z.string(),
      max: z.number(),
      content: z.string(),
      options: z.array(z.string()).optional(),
      hints: z.number(),
      hintsTaken: z.number(),
      solved: z.boolean(),
      score: z.number(),
    }),
  ),
  score: z.number(),
  max: z.number(),
});

const AnswersSchema = z.object({
  run: z.string(),
  trainee: z.string(),
  variables: z.record(z.string(), z.string()),
  levels: z.array(
    z.object({
      id: z.string(),
      title: z.string(),
      type: z.string(),
      accepts: z.array(z.string()).readonly(),
      mode: z.enum(['one', 'set', 'action', 'none']),
      tolerance: z.number().optional(),
      check: z.string().optional(),
    }),
  ),
});
const AccessSchema = z.object({
  tenant: z.string(),
  user: z.string(),
  token: z.string().optional(),
  expires: z.number().optional(),
});

const Id = z.string().regex(/^[A-Za-z0-9._:-]{1,128}$/, 'not an id');
const RunParams = z.object({ run: Id });
const LevelParams = z.object({ run: Id, level: z.string().regex(/^[A-Za-z0-9][A-Za-z0-9_.-]{0,63}$/, 'not a level') });

/** Registers the training routes. */
export function registerTrainingRoutes(
  fastify: FastifyInstance,
  deps: { readonly training: TrainingApiService; readonly formats: ProgressFormats },
): void {
  const app = fastify as unknown as ApiApp;
  const { training, formats } = deps;

  app.get(
    '/api/training/trainees/:trainee/competence',
    {
      config: { access: ['admin', 'instructor', 'trainee'] },
      schema: {
        tags: ['training'],
        summary:
          "A trainee's competence map over ATT&CK (techniques found, reliability, tactics), weakest tactics and the next exercise",
        params: z.object({ trainee: z.string().min(1).max(128) }),
        querystring: z.object(TenantParam),
        response: { 200: z.record(z.string(), z.unknown()), ...ERROR_RESPONSES },
      },
    },
    async (request) =>
      (await training.competence(scopeFor(request, request.query.tenant), request.params.trainee)) as Record<
        string,
        unknown
      >,
  );

  app.get(
    '/api/training/progress',
    {
      config: { access: ['admin', 'instructor', 'trainee'] },
      schema: {
        tags: ['training'],
        summary: "Trainees' progress (every run and level) as CSV or JSON; a trainee gets their own",
        querystring: z.object({
          format: z.enum(['json', 'csv']).default('json'),
          trainee: z.string().min(1).max(128).optional(),
          ...TenantParam,
        }),
        response: { 200: z.union([z.string(), z.record(z.string(), z.unknown())]), ...ERROR_RESPONSES },
      },
    },
    async (request, reply) => {
      const runs = training.progress(scopeFor(request, request.query.tenant), request.query.trainee);
      if (request.query.format === 'csv') {
        void reply
          .header('content-type', 'text/csv; charset=utf-8')
          .header('content-disposition', 'attachment; filename="training-progress.csv"');
        return formats.csv(runs);
      }
      return formats.json(runs) as Record<string, unknown>;
    },
  );

  app.post(
    '/api/training/exercises',
    {
      config: { access: INSTRUCTORS, audit: 'training.exercise.import' },
      bodyLimit: 16 * 1024 * 1024,
      schema: {
        tags: ['training'],
        summary: 'Import an exercise (ours, or a KYPO/CyberRangeCZ training.json); notes say what did not map',
        querystring: z.object(TenantParam),
        body: z.record(z.string(), z.unknown()),
        response: {
          200: z.object({ id: z.string(), title: z.string(), levels: z.number(), notes: z.array(z.string()) }),
          ...ERROR_RESPONSES,
        },
      },
    },
    async (request) => {
      const out = training.importExercise(scopeFor(request, request.query.tenant), request.body);
      noteAudit(request, { target: out.id, details: { levels: out.levels } });
      return out;
    },
  );

  app.get(
    '/api/training/exercises',
    {
      config: { access: INSTRUCTORS },
      schema: {
        tags: ['training'],
        summary: "The tenant's exercises",
        querystring: z.object(TenantParam),
        response: {
          200: z.object({
            items: z.array(
              z.object({
                id: z.string(),
                title: z.string(),
                created: z.number(),
                author: z.string(),
                levels: z.number(),
              }),
            ),
          }),
          ...ERROR_RESPONSES,
        },
      },
    },
    async (request) => ({ items: training.exercises(scopeFor(request, request.query.tenant)) }),
  );

  app.get(
    '/api/training/exercises/:id/export',
    {
      config: { access: INSTRUCTORS },
      schema: {
        tags: ['training'],
        summary: 'An exercise as our JSON, or as a KYPO training.json with notes on what does not map',
        params: z.object({ id: Id }),
        querystring: z.object({ format: z.enum(['intersoc', 'kypo']).default('intersoc'), ...TenantParam }),
        response: { 200: z.record(z.string(), z.unknown()), ...ERROR_RESPONSES },
      },
    },
    async (request) =>
      training.exportExercise(
        scopeFor(request, request.query.tenant),
        request.params.id,
        request.query.format,
      ) as Record<string, unknown>,
  );

  app.post(
    '/api/training/runs',
    {
      config: { access: INSTRUCTORS, audit: 'training.run.start' },
      schema: {
        tags: ['training'],
        summary: "Start a run for a trainee: creates its training tenant and replays the exercise's scenario into it",
        querystring: z.object(TenantParam),
        body: z.object({ exercise: Id, trainee: z.string().min(1).max(128) }).strict(),
        response: { 200: StartedRunSchema, ...ERROR_RESPONSES },
      },
    },
    async (request) => {
      const out = await training.start(
        scopeFor(request, request.query.tenant),
        request.body.exercise,
        request.body.trainee,
      );
      noteAudit(request, {
        target: out.run,
        details: { exercise: out.exercise, trainee: out.trainee, tenant: out.tenant, replayed: out.replayed },
      });
      return out;
    },
  );

  app.get(
    '/api/training/runs',
    {
      config: { access: PLAYERS },
      schema: {
        tags: ['training'],
        summary:
          "Runs of the tenant with their scores (instructors), or the caller's own (trainees, also as their account in the training tenant)",
        querystring: z.object(TenantParam),
        response: { 200: z.object({ items: z.array(RunSummarySchema).readonly() }), ...ERROR_RESPONSES },
      },
    },
    async (request) => ({ items: training.runs(scopeFor(request, request.query.tenant)) }),
  );

  app.get(
    '/api/training/runs/:run',
    {
      config: { access: PLAYERS },
      schema: {
        tags: ['training'],
        summary: "A run as its trainee plays it: each level's text in the trainee's names, options, hints left, scores",
        params: RunParams,
        response: { 200: RunViewSchema, ...ERROR_RESPONSES },
      },
    },
    async (request) => training.view(authOf(request), request.params.run),
  );

  app.get(
    '/api/training/runs/:run/report',
    {
      config: { access: PLAYERS },
      schema: {
        tags: ['training'],
        summary: 'Scores per level (KYPO policy), hints, attempts and time per level',
        params: RunParams,
        response: { 200: ReportSchema, ...ERROR_RESPONSES },
      },
    },
    async (request) => training.report(authOf(request), request.params.run),
  );

  app.get(
    '/api/training/runs/:run/actions',
    {
      config: { access: INSTRUCTORS },
      schema: {
        tags: ['training'],
        summary: 'Everything the trainee did in the run (levels opened, answers, hints, solutions), in order',
        params: RunParams,
        response: { 200: z.object({ items: z.array(z.record(z.string(), z.unknown())) }), ...ERROR_RESPONSES },
      },
    },
    async (request) => ({
      items: training.actions(authOf(request), request.params.run) as Record<string, unknown>[],
    }),
  );

  app.get(
    '/api/training/runs/:run/answers',
    {
      config: { access: INSTRUCTORS },
      schema: {
        tags: ['training'],
        summary:
          "The run's answer key for its instructor: per-run variant answers, truth facts in the trainee's names, alerts to mark",
        params: RunParams,
        response: { 200: AnswersSchema, ...ERROR_RESPONSES },
      },
    },
    async (request) => training.answers(authOf(request), request.params.run),
  );

  app.post(
    '/api/training/runs/:run/access',
    {
      config: { access: INSTRUCTORS, audit: 'training.run.access' },
      schema: {
        tags: ['training'],
        summary:
          "Let the trainee sign in to the run's training tenant: set their password there, or mint a token (shown once)",
        params: RunParams,
        body: z.object({ password: z.string().min(1).max(1024).optional() }).strict(),
        response: { 200: AccessSchema, ...ERROR_RESPONSES },
      },
    },
    async (request) => {
      const out = await training.access(authOf(request), request.params.run, request.body.password);
      noteAudit(request, {
        target: request.params.run,
        details: { tenant: out.tenant, user: out.user, kind: out.token ? 'token' : 'password' },
      });
      return out;
    },
  );

  app.post(
    '/api/training/runs/:run/levels/:level/answer',
    {
      config: { access: PLAYERS, audit: 'training.answer' },
      schema: {
        tags: ['training'],
        summary: 'Submit an answer to a level (an access level takes its passkey; information levels none)',
        params: LevelParams,
        body: z.object({ answer: z.string().max(65_536).default('') }).strict(),
        response: { 200: AnswerSchema, ...ERROR_RESPONSES },
      },
    },
    async (request) => {
      const out = await training.answer(authOf(request), request.params.run, request.params.level, request.body.answer);
      noteAudit(request, { target: `${request.params.run}/${out.level}`, details: { correct: out.correct } });
      return out;
    },
  );

  app.post(
    '/api/training/runs/:run/levels/:level/hint',
    {
      config: { access: PLAYERS, audit: 'training.hint' },
      schema: {
        tags: ['training'],
        summary: "Take the level's next hint (costs its hint_penalty)",
        params: LevelParams,
        response: { 200: HintSchema, ...ERROR_RESPONSES },
      },
    },
    async (request) => {
      const out = training.hint(authOf(request), request.params.run, request.params.level);
      noteAudit(request, { target: `${request.params.run}/${out.level}`, details: { penalty: out.penalty } });
      return out;
    },
  );

  app.post(
    '/api/training/runs/:run/levels/:level/solution',
    {
      config: { access: PLAYERS, audit: 'training.solution' },
      schema: {
        tags: ['training'],
        summary: "Show the level's solution (a penalised one scores the level 0)",
        params: LevelParams,
        response: { 200: SolutionSchema, ...ERROR_RESPONSES },
      },
    },
    async (request) => {
      const out = training.solution(authOf(request), request.params.run, request.params.level);
      noteAudit(request, { target: `${request.params.run}/${out.level}`, details: { penalized: out.penalized } });
      return out;
    },
  );
}
