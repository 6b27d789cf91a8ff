/**
 * @module
 * `intersoc training ...`: continuous training of analysts. An instructor imports an exercise
 * (ours, or a KYPO/CyberRangeCZ `training.json`) and starts a run for a trainee, which creates
 * the run's training tenant and replays the scenario into it; the trainee's actions (`answer`,
 * `hint`, `solution`) are recorded and scored KYPO's way (`report`). Answers may begin with `-`:
 * put `--` before them.
 */
import { readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import type { Command } from 'commander';
import { AppError, systemContext } from '@intersoc/core';
import {
  EVENTS_DB_FILE,
  NODE_DB_FILE,
  openDatabase,
  openEventReader,
  readWriterInfo,
  type SqliteDb,
} from '@intersoc/storage';
import {
  exerciseFromIncident,
  progressCsv,
  progressJson,
  SqliteTrainStore,
  TrainingService,
  type ReplaySink,
  type TrainStore,
} from '@intersoc/train';
import type { SocEvent } from '@intersoc/core';
import { Inventory, PseudonymView, sharingValues, TenantPseudonyms, type PersonalValue } from '@intersoc/privacy';
import { tenantPseudonymKey } from '../node/privacy-api.js';
import { anonymiseIncident } from '../node/training/anonymise.js';
import { withIncidents } from '../node/incidents/offline.js';
import { createHydrator } from '../pipeline/hydrator.js';
import { atomicIndexOf } from '../node/training/attach.js';
import { openNodeAuthStores } from '../node/audit-keys.js';
import { configFor, dataOptions, tenantArg, workerCount, type DataFlags } from '../node/options.js';
import { startPipeline } from '../node/start-pipeline.js';
import { pipelineReplay } from '../node/training/replay.js';
import { readPassword } from './admin.js';

interface Flags extends DataFlags {
  readonly tenant?: string;
}

/** Largest exercise file read (a records scenario may hold many records). */
const MAX_FILE_BYTES = 64 * 1024 * 1024;

function print(flags: DataFlags, value: unknown, text: string): void {
  process.stdout.write(flags.json ? `${JSON.stringify(value)}\n` : `${text}\n`);
}

/** Runs `fn` with the training service over the node's main database. */
async function withService<T>(
  flags: DataFlags,
  fn: (service: TrainingService, store: TrainStore, db: SqliteDb) => Promise<T> | T,
  replay?: ReplaySink,
): Promise<T> {
  const config = configFor(flags);
  const db = openDatabase(path.join(config.data, NODE_DB_FILE));
  try {
    const stores = openNodeAuthStores(db, config.data);
    const store = new SqliteTrainStore(db);
    const service = new TrainingService({
      store,
      tenants: stores.tenants,
      users: stores.users,
      tokens: stores.tokens,
      atomic: atomicIndexOf(config.data),
      ...(replay ? { replay } : {}),
    });
    return await fn(service, store, db);
  } finally {
    db.close();
  }
}

/** The context the CLI (the node operator) uses for a run: an admin of the run's home tenant. */
function runContext(store: TrainStore, run: string) {
  const r = store.run(run);
  if (!r) throw new AppError('NOT_FOUND', `no training run ${run}`);
  return systemContext(r.tenant);
}

function readJsonFile(file: string): unknown {
  let size: number;
  try {
    size = statSync(file).size;
  } catch {
    throw new AppError('NOT_FOUND', `cannot read ${file}`);
  }
  if (size > MAX_FILE_BYTES) throw new AppError('VALIDATION', `${file} is larger than ${MAX_FILE_BYTES} bytes`);
  try {
    return JSON.parse(readFileSync(file, 'utf8')) as unknown;
  } catch (err) {
    throw new AppError('VALIDATION', `${file} is not JSON: ${(err as Error).message}`);
  }
}

/**
 * `answer RUN LEVEL -- -x --json --data DIR`: the node's own flags written after the answer
 * (past `--`) are still flags, not words of the answer.
 */
export function trailingFlags(words: readonly string[], flags: Flags): { words: string[]; flags: Flags } {
  const out = [...words];
  let f: Flags = flags;
  for (;;) {
    const last = out.at(-1);
    const before = out.at(-2);
    if (last === '--json') {
      f = { ...f, json: true };
      out.pop();
    } else if (before === '--data' && last !== undefined) {
      f = { ...f, data: last };
      out.splice(-2);
    } else if (before === '--config' && last !== undefined) {
      f = { ...f, config: last };
      out.splice(-2);
    } else return { words: out, flags: f };
  }
}

/** Adds the `training` subcommands. */
export function register(program: Command): void {
  const training = program.command('training').description('training exercises, runs and scores');

  dataOptions(training.command('import').argument('<file>', 'exercise JSON (ours or a KYPO training.json)'))
    .option('--tenant <name>', "the instructor's tenant")
    .description('import an exercise; prints its id')
    .action(async (file: string, flags: Flags) => {
      const doc = readJsonFile(file);
      const out = await withService(flags, (s) =>
        s.importExercise(systemContext(tenantArg(flags.tenant, configFor(flags))), doc),
      );
      print(
        flags,
        out,
        `exercise ${out.id}: ${out.title} (${out.levels} levels)${out.notes.map((n) => `\n  note: ${n}`).join('')}`,
      );
    });

  dataOptions(training.command('from-incident').argument('<incident>'))
    .option('--tenant <name>', "the incident's tenant")
    .description(
      'make an exercise from a closed incident: its events replayed renamed, its confirmed facts the answers',
    )
    .action(async (id: string, flags: Flags) => {
      const config = configFor(flags);
      const ctx = systemContext(tenantArg(flags.tenant, config));
      const { facts, eventIds } = withIncidents(
        config,
        ({ stage }) => {
          const inc = stage.incidents.get(ctx, id);
          if (!inc) throw new AppError('NOT_FOUND', `no incident ${id}`);
          const alerts = [...stage.incidents.alerts(ctx, id)].sort((a, b) => a.time - b.time);
          const firstHost = alerts.flatMap((a) => a.entities.filter((e) => e.type === 'host')).at(0)?.value;
          const label = new Map<string, string>();
          for (const a of alerts) for (const e of a.eventIds) if (a.techniques[0]) label.set(e, a.techniques[0]);
          return {
            facts: {
              id: inc.id,
              title: inc.title,
              status: inc.status,
              hosts: inc.hosts,
              users: inc.users,
              techniques: alerts.flatMap((a) => a.techniques).filter((t, i, all) => all.indexOf(t) === i),
              ...(firstHost === undefined ? {} : { firstHost }),
            },
            eventIds: label,
          };
        },
        false,
      );
      const reader = openEventReader(path.join(config.data, EVENTS_DB_FILE), createHydrator());
      const events: { event: SocEvent; label: string }[] = [];
      try {
        for (const [eventId, technique] of eventIds) {
          const e = reader.getEvent(ctx, eventId);
          if (e) events.push({ event: e, label: technique });
        }
      } finally {
        reader.close();
      }
      // No real user or host name reaches the exercise: the privacy module pseudonymises the
      // incident (its facts and every event, raw text included) before it is stored.
      const inventory = Inventory.of(config, ctx.tenant);
      const view = new PseudonymView(
        inventory,
        new TenantPseudonyms(tenantPseudonymKey(config.data, ctx.tenant), ctx.tenant),
      );
      const db = openDatabase(path.join(config.data, NODE_DB_FILE));
      let known: PersonalValue[];
      try {
        const KIND = { username: 'user', hostname: 'host', email: 'email', 'internal-ip': 'ip' } as const;
        known = sharingValues(db, inventory, ctx.tenant).known.map((k): PersonalValue => ({
          field: 'known',
          kind: KIND[k.kind],
          value: k.value,
        }));
      } finally {
        db.close();
      }
      const { facts: anonymous, records } = anonymiseIncident(view, known, facts, events);
      const exercise = exerciseFromIncident(anonymous, records);
      const out = await withService(flags, (s) => s.importExercise(ctx, exercise));
      print(flags, out, `exercise ${out.id}: ${out.title} (${out.levels} levels, ${records.length} events)`);
    });

  dataOptions(training.command('export').argument('<exercise>'))
    .option('--tenant <name>', "the instructor's tenant")
    .option('--kypo', 'as a KYPO training.json (with notes on what does not map)')
    .description('print an exercise as JSON')
    .action(async (id: string, flags: Flags & { kypo?: boolean }) => {
      const out = await withService(flags, (s) =>
        s.exportExercise(
          systemContext(tenantArg(flags.tenant, configFor(flags))),
          id,
          flags.kypo ? 'kypo' : 'intersoc',
        ),
      );
      process.stdout.write(`${JSON.stringify(out, null, flags.json ? undefined : 2)}\n`);
    });

  dataOptions(training.command('list'))
    .option('--tenant <name>', "the instructor's tenant")
    .description('exercises and runs of a tenant')
    .action(async (flags: Flags) => {
      const out = await withService(flags, (s) => {
        const ctx = systemContext(tenantArg(flags.tenant, configFor(flags)));
        return { exercises: s.exercises(ctx), runs: s.runs(ctx) };
      });
      print(
        flags,
        out,
        [
          ...out.exercises.map((e) => `exercise ${e.id}  ${e.title} (${e.levels} levels)`),
          ...out.runs.map((r) => `run ${r.id}  ${r.trainee}  ${r.title}  ${r.score}/${r.max}  ${r.tenant}`),
        ].join('\n') || 'no exercises',
      );
    });

  dataOptions(training.command('start').argument('<exercise>'))
    .requiredOption('--trainee <user>', 'a trainee of the tenant')
    .option('--tenant <name>', "the instructor's tenant")
    .description('start a run: creates its training tenant and replays the scenario into it')
    .action(async (exercise: string, flags: Flags & { trainee: string }) => {
      const config = configFor(flags);
      const ctx = systemContext(tenantArg(flags.tenant, config));
      const needsReplay = await withService(flags, (_s, store) => {
        const e = store.exercise(ctx, exercise);
        if (!e) throw new AppError('NOT_FOUND', `no exercise ${exercise}`);
        return e.exercise.scenario !== undefined;
      });
      let out;
      if (!needsReplay) {
        out = await withService(flags, (s) => s.start(ctx, exercise, flags.trainee));
      } else {
        const pipeline = await startPipeline(config, {
          workers: workerCount(config),
          lockedBy: 'training start',
        }).catch((err: unknown) => {
          const holder = err instanceof AppError && err.code === 'CONFLICT' ? readWriterInfo(config.data) : undefined;
          if (holder)
            throw new AppError(
              'CONFLICT',
              `a node serves this data folder (pid ${holder.pid}): start the run there (POST /api/training/runs)`,
            );
          throw err;
        });
        try {
          out = await withService(flags, (s) => s.start(ctx, exercise, flags.trainee), pipelineReplay(pipeline));
        } finally {
          await pipeline.close();
        }
      }
      print(
        flags,
        out,
        `run ${out.run} in training tenant ${out.tenant} (${out.replayed} records replayed)\n` +
          out.levels.map((l) => `  ${l.id}. [${l.type}] ${l.title}${l.max ? ` (${l.max})` : ''}`).join('\n'),
      );
    });

  dataOptions(training.command('answer').argument('<run>').argument('<level>').argument('[answer...]'))
    .description('submit an answer (put -- before an answer that begins with -)')
    .action(async (run: string, level: string, words: string[], given: Flags) => {
      const { words: answer, flags } = trailingFlags(words, given);
      words = answer;
      const out = await withService(flags, (s, store) => s.answer(runContext(store, run), run, level, words.join(' ')));
      print(
        flags,
        out,
        `${out.correct ? 'correct' : 'wrong'}: level ${out.level} ${out.score}/${out.max}` +
          (out.note ? ` (${out.note})` : '') +
          (out.solution !== undefined ? `\nsolution: ${out.solution}` : ''),
      );
    });

  dataOptions(training.command('hint').argument('<run>').argument('<level>'))
    .description("take the level's next hint (costs its penalty)")
    .action(async (run: string, level: string, flags: Flags) => {
      const out = await withService(flags, (s, store) => s.hint(runContext(store, run), run, level));
      print(flags, out, `hint ${out.hint} (-${out.penalty}): ${out.title}\n${out.content}`);
    });

  dataOptions(training.command('solution').argument('<run>').argument('<level>'))
    .description("show the level's solution (a penalised one scores the level 0)")
    .action(async (run: string, level: string, flags: Flags) => {
      const out = await withService(flags, (s, store) => s.solution(runContext(store, run), run, level));
      print(flags, out, `solution${out.penalized ? ' (the level now scores 0)' : ''}: ${out.solution}`);
    });

  dataOptions(training.command('progress'))
    .option('--tenant <name>', "the instructor's tenant")
    .option('--trainee <user>', 'one trainee only')
    .option('--csv', 'one CSV row per run and level (else JSON)')
    .description("trainees' progress: every run and level")
    .action(async (flags: Flags & { trainee?: string; csv?: boolean }) => {
      const runs = await withService(flags, (s) =>
        s.progress(systemContext(tenantArg(flags.tenant, configFor(flags))), flags.trainee),
      );
      process.stdout.write(flags.csv ? progressCsv(runs) : `${JSON.stringify(progressJson(runs))}\n`);
    });

  dataOptions(training.command('competence').argument('<trainee>'))
    .option('--tenant <name>', "the instructor's tenant")
    .description(
      "a trainee's competence map over ATT&CK and the next exercise (names from <data>/training/atomic-index.csv)",
    )
    .action(async (trainee: string, flags: Flags) => {
      const map = await withService(flags, (s) =>
        s.competence(systemContext(tenantArg(flags.tenant, configFor(flags))), trainee),
      );
      print(
        flags,
        map,
        [
          `${map.trainee}: ${map.runs} runs`,
          ...map.tactics.map((t) => `  ${t.tactic}: ${t.found}/${t.asked}`),
          `weakest: ${map.weakest.join(', ') || '-'}`,
          map.next ? `next: ${map.next.exercise} ${map.next.title} (${map.next.covers.join(', ')})` : 'next: -',
          ...map.practice.map((p) => `  practise ${p.id} ${p.name} (${p.tests} atomic tests)`),
        ].join('\n'),
      );
    });

  dataOptions(training.command('report').argument('<run>'))
    .description("a run's scores per level")
    .action(async (run: string, flags: Flags) => {
      const out = await withService(flags, (s, store) => s.report(runContext(store, run), run));
      print(
        flags,
        out,
        `run ${out.run} (${out.trainee}): ${out.score}/${out.max}\n` +
          out.levels
            .map(
              (l) =>
                `  ${l.id}. ${l.title}: ${l.score}/${l.max}, ${l.hints} hints, ${l.attempts} attempts${l.solved ? ', solved' : ''}`,
            )
            .join('\n'),
      );
    });

  dataOptions(training.command('access').argument('<run>'))
    .option(
      '--password',
      "set the trainee's password in the training tenant (asked on a terminal, else the first line of standard input)",
    )
    .description(
      "let the trainee sign in to the run's training tenant: a password, or (without --password) an API token for 7 days, shown once",
    )
    .action(async (run: string, flags: Flags & { password?: boolean }) => {
      const io = { stdin: process.stdin, stdout: process.stdout, stderr: process.stderr };
      const password = flags.password ? await readPassword(io, `the trainee of run ${run}`) : undefined;
      const out = await withService(flags, (s, store) => s.access(runContext(store, run), run, password));
      print(
        flags,
        out,
        out.token === undefined
          ? `${out.user} signs in to tenant ${out.tenant} with that password`
          : `API token for ${out.user} in tenant ${out.tenant} (shown once, expires ${new Date(out.expires ?? 0).toISOString()}):\n${out.token}`,
      );
    });

  dataOptions(training.command('answers').argument('<run>'))
    .description(
      "the run's answer key (instructors): what each level accepts, in this trainee's names. Alerts to mark are listed by the node's API only",
    )
    .action(async (run: string, flags: Flags) => {
      const out = await withService(flags, (s, store) => s.answers(runContext(store, run), run));
      const vars = Object.entries(out.variables).map(([k, v]) => `  \${${k}} = ${v}`);
      print(
        flags,
        out,
        [
          `run ${out.run} (${out.trainee})`,
          ...vars,
          ...out.levels.map(
            (l) => `  ${l.id}. ${l.title} [${l.mode}${l.check ? ` ${l.check}` : ''}]: ${l.accepts.join(', ') || '-'}`,
          ),
        ].join('\n'),
      );
    });
}
