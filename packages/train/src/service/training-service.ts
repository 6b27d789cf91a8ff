/**
 * @module
 * Training runs: importing and exporting exercises, starting a run (a training tenant created for
 * it, the trainee's account there, the scenario replayed into it renamed for the trainee),
 * the trainee's actions (answers, hints, solutions, all recorded) and reports.
 *
 * Who may do what: admins and instructors of a tenant manage its exercises, start runs and read
 * every run's report; a trainee acts on and reads only their own runs, from their home tenant or
 * from the run's training tenant. Anyone else is told the run does not exist.
 */
import { randomBytes } from 'node:crypto';
import { AppError, DEFAULT_TENANT, requireRole, systemContext, type AuthContext, type Role } from '@intersoc/core';
import type { TenantStore, TokenStore, UserStore } from '@intersoc/storage';
import { checkAnswer } from '../answers/check.js';
import { findLevel, isScored, maxOf, readExercise, type ReadyExercise } from '../exercise/levels.js';
import { fromKypo, isKypo } from '../kypo/import.js';
import { toKypo, type KypoExport } from '../kypo/export.js';
import { prepareReplay, type Replay } from '../scenario/replay.js';
import { foldRun, reportOf, type RunAction, type RunReport } from '../scoring/fold.js';
import type { StoredExercise, StoredRun, TrainStore } from '../store/train-store.js';
import { competenceMap, type CompetenceMap, type PlayedRun } from '../competence/map.js';
import type { AtomicIndex } from '../competence/atomic.js';
import type { ProgressRun } from '../scoring/export.js';
import { resolveKeys } from './keys.js';
import { checkOnRange, type TrainingRange } from './range.js';
import { keyAnswer, type LevelAnswer } from './answers.js';

/** Roles that build exercises, start runs and follow trainees. */
export const INSTRUCTOR_ROLES: readonly Role[] = ['admin', 'instructor'];
/** Roles that may call training routes at all. */
export const TRAINING_ROLES: readonly Role[] = ['admin', 'instructor', 'trainee'];

/** Puts a run's replayed records into its training tenant; resolves with how many were taken. */
export type ReplaySink = (tenant: string, replay: Replay) => Promise<number>;

/** What the service needs. */
export interface TrainingDeps {
  /** `SqliteTrainStore` on a node, `PgTrainStore` on the shared PostgreSQL store. */
  readonly store: TrainStore;
  readonly tenants: TenantStore;
  readonly users: UserStore;
  /** Mints the trainee's sign-in token for a training tenant (`access`). */
  readonly tokens?: TokenStore;
  /** Reads training tenants for hands-on tasks and alert marks; without one those levels cannot be checked. */
  readonly range?: TrainingRange;
  /** Without one, runs start with an empty training tenant. */
  readonly replay?: ReplaySink;
  /** Names techniques and groups them into tactics on the competence map. */
  readonly atomic?: () => AtomicIndex | undefined;
  readonly now?: () => number;
}

/** A level as a trainee sees it at the start. */
export interface StartLevel {
  readonly id: string;
  readonly title: string;
  readonly type: string;
  readonly max: number;
}

/** What `start` returns (the `training start --json` contract, plus the replay count). */
export interface StartedRun {
  readonly run: string;
  readonly tenant: string;
  readonly levels: readonly StartLevel[];
  readonly exercise: string;
  readonly trainee: string;
  readonly replayed: number;
}

/** What an answer returns. */
export interface AnswerResult {
  readonly level: string;
  readonly correct: boolean;
  readonly solved: boolean;
  readonly score: number;
  readonly max: number;
  readonly attempts: number;
  /** Wrong answers left before the solution is shown (null for unscored levels). */
  readonly remaining: number | null;
  readonly note?: string;
  /** Shown when the wrong answers reached the level's limit. */
  readonly solution?: string;
}

/** A run as an instructor lists it. */
export interface RunSummary {
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

const newId = (prefix: string): string => `${prefix}-${randomBytes(6).toString('hex')}`;

/** The training service. */
export class TrainingService {
  private readonly now: () => number;

  constructor(private readonly deps: TrainingDeps) {
    this.now = deps.now ?? Date.now;
  }

  /** Imports an exercise (ours or a KYPO `training.json`); notes say what did not map. */
  importExercise(ctx: AuthContext, doc: unknown): { id: string; title: string; levels: number; notes: string[] } {
    requireRole(ctx, INSTRUCTOR_ROLES);
    const exercise = isKypo(doc) ? fromKypo(doc) : doc;
    const ready = readExercise(exercise);
    const { levels: _placed, ...rest } = ready;
    const stored = this.deps.store.putExercise(
      ctx,
      newId('ex'),
      { ...rest, levels: ready.levels.map(({ index: _i, ...l }) => l) },
      this.now(),
    );
    return {
      id: stored.id,
      title: stored.title,
      levels: ready.levels.length,
      notes: [...(ready.provenance?.notes ?? [])],
    };
  }

  /** The exercises of the caller's tenant. */
  exercises(ctx: AuthContext): { id: string; title: string; created: number; author: string; levels: number }[] {
    requireRole(ctx, INSTRUCTOR_ROLES);
    return this.deps.store.exercises(ctx).map((e) => ({
      id: e.id,
      title: e.title,
      created: e.created,
      author: e.author,
      levels: e.exercise.levels.length,
    }));
  }

  private exercise(ctx: AuthContext, id: string): StoredExercise {
    const e = this.deps.store.exercise(ctx, id);
    if (!e) throw new AppError('NOT_FOUND', `no exercise ${id}`);
    return e;
  }

  /** An exercise in our format or KYPO's. */
  exportExercise(ctx: AuthContext, id: string, format: 'intersoc' | 'kypo'): unknown {
    requireRole(ctx, INSTRUCTOR_ROLES);
    const e = this.exercise(ctx, id);
    if (format === 'intersoc') return e.exercise;
    const out: KypoExport = toKypo(readExercise(e.exercise));
    return out;
  }

  /** Starts a run of an exercise for a trainee of the caller's tenant. */
  async start(ctx: AuthContext, exerciseId: string, trainee: string): Promise<StartedRun> {
    requireRole(ctx, INSTRUCTOR_ROLES);
    const e = this.exercise(ctx, exerciseId);
    const user = await this.deps.users.get(ctx, trainee);
    if (!user) throw new AppError('NOT_FOUND', `no user ${trainee} in tenant ${ctx.tenant}`);
    if (user.role !== 'trainee') throw new AppError('VALIDATION', `${trainee} is a ${user.role}, not a trainee`);
    const ex = readExercise(e.exercise);
    const id = newId('run');
    const tenant = `train-${id.slice(4)}`;
    const now = this.now();
    // The node creates the training tenant (only the operator may), on the instructor's authority.
    await this.deps.tenants.create(systemContext(DEFAULT_TENANT), {
      name: tenant,
      displayName: `Training: ${ex.title.slice(0, 80)} (${trainee})`,
    });
    // The trainee's account there works that tenant like an analyst (opens cases, runs playbooks,
    // for hands-on levels) and sees nothing else: it has no password until an instructor gives it
    // one or a token (`access`).
    await this.deps.users.create(systemContext(tenant), { name: trainee, role: 'analyst' });
    // Playbooks that hands-on levels ask the trainee to run are copied into the training tenant.
    for (const l of ex.levels)
      if (l.type === 'task' && l.playbook !== undefined && this.deps.range?.copyPlaybook)
        await this.deps.range.copyPlaybook(ctx.tenant, tenant, l.playbook);
    const replay = ex.scenario ? prepareReplay(ex.scenario, id, now) : undefined;
    const { keys, variables } = resolveKeys(ex, replay?.truth);
    const replayed = replay && this.deps.replay ? await this.deps.replay(tenant, replay) : 0;
    const run: StoredRun = {
      id,
      tenant: ctx.tenant,
      exercise: e.id,
      trainee,
      trainingTenant: tenant,
      started: now,
      finished: null,
      state: {
        keys,
        names: replay?.names ?? {},
        ...(replay ? { truth: replay.truth } : {}),
        variables,
        replayed,
      },
    };
    this.deps.store.putRun(run);
    return {
      run: id,
      tenant,
      levels: ex.levels.map((l) => ({ id: l.id, title: l.title, type: l.type, max: maxOf(l) })),
      exercise: e.id,
      trainee,
      replayed,
    };
  }

  /** Whether `ctx` may act on (or read) `run`. */
  private mayAct(ctx: AuthContext, run: StoredRun): boolean {
    if (ctx.tenant === run.tenant && ctx.roles.some((r) => INSTRUCTOR_ROLES.includes(r))) return true;
    return ctx.user === run.trainee && (ctx.tenant === run.tenant || ctx.tenant === run.trainingTenant);
  }

  private load(ctx: AuthContext, runId: string): { run: StoredRun; ex: ReadyExercise; actions: RunAction[] } {
    requireRole(ctx, [...TRAINING_ROLES, 'analyst', 'viewer']);
    const run = this.deps.store.runFor(runId, (r) => this.mayAct(ctx, r));
    const stored = this.deps.store.exercise(systemContext(run.tenant), run.exercise);
    if (!stored) throw new AppError('NOT_FOUND', `the exercise of run ${runId} is gone`);
    return { run, ex: readExercise(stored.exercise), actions: this.deps.store.actions(run.id) };
  }

  /**
   * Submits an answer (information levels take none). Hands-on tasks and alert marks are decided
   * against the training tenant; a task answer may be empty (the check looks at what was done).
   */
  async answer(ctx: AuthContext, runId: string, levelRef: string, answer: string): Promise<AnswerResult> {
    const first = this.load(ctx, runId);
    const level = findLevel(first.ex, levelRef);
    const key = first.run.state.keys[level.id] ?? { kind: 'none' as const };
    if (answer.length > 64 * 1024) throw new AppError('VALIDATION', 'answer too long');
    if (key.kind !== 'none' && key.kind !== 'task' && answer.trim() === '')
      throw new AppError('VALIDATION', 'an answer is required');
    const verdict =
      (await checkOnRange(this.deps.range, first.run.trainingTenant, first.run.started, key, answer)) ??
      checkAnswer(key, answer);
    // Read the log again after the (asynchronous) check, so two answers in flight fold in order.
    const { run, ex, actions } = this.load(ctx, runId);
    const time = this.now();
    const added: RunAction[] = [{ kind: 'answer', level: level.id, time, answer, correct: verdict.correct }];
    const before = foldRun(ex.levels, actions).get(level.id);
    let shown: string | undefined;
    if (!verdict.correct && isScored(level) && before && !before.solved && !before.solutionShown) {
      // The wrong answers reached the limit: the solution is shown, with its penalty (KYPO).
      if (before.wrong + 1 >= level.incorrect_answer_limit) {
        added.push({ kind: 'solution', level: level.id, time, penalized: level.solution_penalized, auto: true });
        shown = this.solutionText(run, level.id, level.solution);
      }
    }
    this.deps.store.append(run.id, added);
    const s = foldRun(ex.levels, [...actions, ...added]).get(level.id);
    return {
      level: level.id,
      correct: verdict.correct,
      solved: s?.solved ?? false,
      score: s?.score ?? 0,
      max: maxOf(level),
      attempts: s?.attempts ?? 0,
      remaining: isScored(level) ? Math.max(0, level.incorrect_answer_limit - (s?.wrong ?? 0)) : null,
      ...(verdict.note === undefined ? {} : { note: verdict.note }),
      ...(shown === undefined ? {} : { solution: shown }),
    };
  }

  /** Takes the level's next hint, at its penalty. */
  hint(
    ctx: AuthContext,
    runId: string,
    levelRef: string,
  ): { level: string; hint: number; title: string; content: string; penalty: number; remaining: number } {
    const { run, ex, actions } = this.load(ctx, runId);
    const level = findLevel(ex, levelRef);
    if (!isScored(level)) throw new AppError('VALIDATION', `level ${level.id} has no hints`);
    const s = foldRun(ex.levels, actions).get(level.id);
    if (s?.solved) throw new AppError('CONFLICT', `level ${level.id} is already solved`);
    const n = s?.hints ?? 0;
    const h = level.hints[n];
    if (!h) throw new AppError('CONFLICT', `level ${level.id} has no more hints`);
    this.deps.store.append(run.id, [
      { kind: 'hint', level: level.id, time: this.now(), hint: n, penalty: h.hint_penalty },
    ]);
    return {
      level: level.id,
      hint: n + 1,
      title: h.title,
      content: this.textFor(run, h.content),
      penalty: h.hint_penalty,
      remaining: level.hints.length - n - 1,
    };
  }

  /** Shows the level's solution; a penalised one scores the level 0. */
  solution(
    ctx: AuthContext,
    runId: string,
    levelRef: string,
  ): { level: string; solution: string; penalized: boolean; score: number } {
    const { run, ex, actions } = this.load(ctx, runId);
    const level = findLevel(ex, levelRef);
    if (!isScored(level)) throw new AppError('VALIDATION', `level ${level.id} has no solution`);
    const before = foldRun(ex.levels, actions).get(level.id);
    const added: RunAction[] = before?.solutionShown
      ? []
      : [{ kind: 'solution', level: level.id, time: this.now(), penalized: level.solution_penalized, auto: false }];
    if (added.length > 0) this.deps.store.append(run.id, added);
    const s = foldRun(ex.levels, [...actions, ...added]).get(level.id);
    return {
      level: level.id,
      solution: this.solutionText(run, level.id, level.solution),
      penalized: level.solution_penalized,
      score: s?.score ?? 0,
    };
  }

  /** The report of a run. */
  report(ctx: AuthContext, runId: string): RunReport & { run: string; trainee: string; tenant: string } {
    const { run, ex, actions } = this.load(ctx, runId);
    return { ...reportOf(ex.levels, actions), run: run.id, trainee: run.trainee, tenant: run.trainingTenant };
  }

  /** A run as its trainee plays it: every level's text (in the trainee's names), options, hints left, and the report. */
  view(
    ctx: AuthContext,
    runId: string,
  ): {
    run: string;
    title: string;
    tenant: string;
    trainee: string;
    levels: {
      id: string;
      title: string;
      type: string;
      max: number;
      content: string;
      options?: string[];
      hints: number;
      hintsTaken: number;
      solved: boolean;
      score: number;
    }[];
    score: number;
    max: number;
  } {
    const { run, ex, actions } = this.load(ctx, runId);
    const rep = reportOf(ex.levels, actions);
    return {
      run: run.id,
      title: ex.title,
      tenant: run.trainingTenant,
      trainee: run.trainee,
      levels: ex.levels.map((l, i) => {
        const r = rep.levels[i];
        return {
          id: l.id,
          title: l.title,
          type: l.type,
          max: maxOf(l),
          content: this.textFor(run, l.content),
          ...(l.type === 'choice' ? { options: [...l.options] } : {}),
          hints: isScored(l) ? l.hints.length : 0,
          hintsTaken: r?.hints ?? 0,
          solved: r?.solved ?? false,
          score: r?.score ?? 0,
        };
      }),
      score: rep.score,
      max: rep.max,
    };
  }

  /** Every action of a run (the instructor's record of what the trainee did). */
  actions(ctx: AuthContext, runId: string): RunAction[] {
    requireRole(ctx, INSTRUCTOR_ROLES);
    return this.load(ctx, runId).actions;
  }

  /**
   * The runs of the caller's tenant (instructors), or the caller's own (trainees: from their home
   * tenant, or as their account in a training tenant, where it is that tenant's one run).
   */
  runs(ctx: AuthContext): RunSummary[] {
    requireRole(ctx, [...TRAINING_ROLES, 'analyst', 'viewer']);
    const instructor = ctx.roles.some((r) => INSTRUCTOR_ROLES.includes(r));
    const titles = new Map<string, { title: string; ex: ReadyExercise }>();
    const runs = [...this.deps.store.runs(ctx), ...this.deps.store.runsIn(ctx.tenant)];
    return runs
      .filter((r) => (instructor && r.tenant === ctx.tenant) || r.trainee === ctx.user)
      .map((r) => {
        let e = titles.get(r.exercise);
        if (!e) {
          const stored = this.deps.store.exercise(systemContext(r.tenant), r.exercise);
          if (!stored) return undefined;
          e = { title: stored.title, ex: readExercise(stored.exercise) };
          titles.set(r.exercise, e);
        }
        const rep = reportOf(e.ex.levels, this.deps.store.actions(r.id));
        return {
          id: r.id,
          exercise: r.exercise,
          title: e.title,
          trainee: r.trainee,
          tenant: r.trainingTenant,
          started: r.started,
          score: rep.score,
          max: rep.max,
          solved: rep.levels.filter((l) => l.solved).length,
          levels: rep.levels.length,
          hints: rep.levels.reduce((n, l) => n + l.hints, 0),
        };
      })
      .filter((x): x is RunSummary => x !== undefined);
  }

  /** Every run the caller may follow (instructors: the tenant's; trainees: their own), with its report. */
  progress(ctx: AuthContext, trainee?: string): ProgressRun[] {
    requireRole(ctx, TRAINING_ROLES);
    const instructor = ctx.roles.some((r) => INSTRUCTOR_ROLES.includes(r));
    const who = instructor ? trainee : ctx.user;
    const exercises = new Map<string, { title: string; ex: ReadyExercise } | undefined>();
    const out: ProgressRun[] = [];
    for (const r of this.deps.store.runs(ctx)) {
      if (who !== undefined && r.trainee !== who) continue;
      if (!exercises.has(r.exercise)) {
        const stored = this.deps.store.exercise(ctx, r.exercise);
        exercises.set(r.exercise, stored && { title: stored.title, ex: readExercise(stored.exercise) });
      }
      const e = exercises.get(r.exercise);
      if (!e) continue;
      out.push({
        run: r.id,
        trainee: r.trainee,
        exercise: r.exercise,
        title: e.title,
        started: r.started,
        report: reportOf(e.ex.levels, this.deps.store.actions(r.id)),
      });
    }
    return out;
  }

  /** A trainee's competence map over ATT&CK and the next exercise to play. */
  async competence(ctx: AuthContext, trainee: string): Promise<CompetenceMap> {
    requireRole(ctx, TRAINING_ROLES);
    const instructor = ctx.roles.some((r) => INSTRUCTOR_ROLES.includes(r));
    if (!instructor && trainee !== ctx.user) throw new AppError('NOT_FOUND', `no trainee ${trainee}`);
    if (!(await this.deps.users.get(ctx, trainee))) throw new AppError('NOT_FOUND', `no trainee ${trainee}`);
    const played: PlayedRun[] = [];
    const seen = new Set<string>();
    for (const r of this.deps.store.runs(ctx)) {
      if (r.trainee !== trainee) continue;
      const stored = this.deps.store.exercise(ctx, r.exercise);
      if (!stored) continue;
      seen.add(r.exercise);
      const ex = readExercise(stored.exercise);
      played.push({ exercise: ex, report: reportOf(ex.levels, this.deps.store.actions(r.id)) });
    }
    const all = this.deps.store.exercises(ctx).map((e) => ({ id: e.id, exercise: readExercise(e.exercise) }));
    // Exercises not played yet come first; played ones only when nothing else covers the gap.
    const fresh = all.filter((c) => !seen.has(c.id));
    const index = this.deps.atomic?.();
    const map = competenceMap(trainee, played, fresh, index);
    return map.next || fresh.length === all.length ? map : competenceMap(trainee, played, all, index);
  }

  /**
   * Every level's answer for this run, for its instructor only: per-run variant answers (KYPO's
   * variables), truth facts in the trainee's names, and the alerts to mark as they stand now.
   */
  async answers(
    ctx: AuthContext,
    runId: string,
  ): Promise<{ run: string; trainee: string; variables: Record<string, string>; levels: LevelAnswer[] }> {
    requireRole(ctx, INSTRUCTOR_ROLES);
    const { run, ex } = this.load(ctx, runId);
    // A trainee who is also an instructor elsewhere still reads no key of a run they play.
    if (ctx.tenant !== run.tenant) throw new AppError('NOT_FOUND', `no training run ${runId}`);
    const alerts = this.deps.range ? await this.deps.range.alerts(run.trainingTenant) : undefined;
    return {
      run: run.id,
      trainee: run.trainee,
      variables: { ...run.state.variables },
      levels: ex.levels.map((l) => keyAnswer(l, run.state.keys[l.id] ?? { kind: 'none' }, alerts)),
    };
  }

  /**
   * Lets the trainee sign in to the run's training tenant: sets their password there, or (without
   * one) mints an API token. Only the run's instructors may; the account sees that tenant only.
   */
  async access(
    ctx: AuthContext,
    runId: string,
    password?: string,
  ): Promise<{ tenant: string; user: string; token?: string; expires?: number }> {
    requireRole(ctx, INSTRUCTOR_ROLES);
    const { run } = this.load(ctx, runId);
    if (ctx.tenant !== run.tenant) throw new AppError('NOT_FOUND', `no training run ${runId}`);
    const there = systemContext(run.trainingTenant);
    if (password !== undefined) {
      await this.deps.users.update(there, run.trainee, { password });
      return { tenant: run.trainingTenant, user: run.trainee };
    }
    if (!this.deps.tokens) throw new AppError('VALIDATION', 'this node issues no tokens: give a password');
    const expires = this.now() + 7 * 24 * 3_600_000;
    const { secret } = await this.deps.tokens.create(there, { user: run.trainee, name: `training ${run.id}`, expires });
    return { tenant: run.trainingTenant, user: run.trainee, token: secret, expires };
  }

  /** Text with the scenario's names as this trainee sees them. */
  private textFor(run: StoredRun, text: string): string {
    let out = text;
    for (const [from, to] of Object.entries(run.state.names)) {
      out = out.replace(new RegExp(`\\b${from.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}\\b`, 'gi'), to);
    }
    return out;
  }

  private solutionText(run: StoredRun, level: string, solution: string): string {
    const key = run.state.keys[level];
    const answer = key?.kind === 'values' ? (key.values[0] ?? '') : '';
    return this.textFor(run, solution).replaceAll('${ANSWER}', answer);
  }
}
