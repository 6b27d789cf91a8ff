/**
 * @module
 * `intersoc playbook validate|add|list|show|export|sign|verify|share|import|run|runs|inbox|approve|deny|
 * answer|resolve|cancel|rollback|extend`: CACAO 2.0 playbooks and their runs from the command line.
 * `validate` needs no node; the others act on `--data`. Run operations go to the engine of a
 * serving node when one runs on the folder; otherwise this command drives the runs itself until
 * they wait for a person.
 */
import { readFileSync } from 'node:fs';
import { userInfo } from 'node:os';
import path from 'node:path';
import type { Command } from 'commander';
import { AppError, systemContext, type AuthContext, type Config } from '@intersoc/core';
import { CaseService, SqliteCaseStore } from '@intersoc/cases';
import { SqliteIncidentStore } from '@intersoc/correlate';
import { openSqliteCtiStore } from '@intersoc/cti';
import { loadCacaoSchemas, runView, validatePlaybookText, type RespondRuntime, type RunOps } from '@intersoc/respond';
import { NODE_DB_FILE, openDatabase } from '@intersoc/storage';
import { configFor, dataOptions, tenantArg, type DataFlags } from '../node/options.js';
import { playbookLines, playbookText, runLines, runText, waitLine } from '../node/respond/cli-format.js';
import { cacaoSchemaDir, cacaoSchemas, openRespond } from '../node/respond/open.js';
import { withRunOps } from '../node/respond/owner.js';
import { importSharedPlaybooks, sharePlaybook } from '../node/respond/shared.js';
import { withFederation } from '../node/federation-cli.js';
import { nodePorts } from '../node/respond/ports.js';

interface Flags extends DataFlags {
  readonly tenant?: string;
}

/** The CLI acts as the node operator, named after the account that runs it (one person, one name). */
function cliContext(config: Config, flags: Flags): AuthContext {
  return { ...systemContext(tenantArg(flags.tenant, config)), user: `cli:${userInfo().username}` };
}

function out(flags: DataFlags, json: unknown, text: () => string[]): void {
  process.stdout.write(flags.json ? `${JSON.stringify(json)}\n` : `${text().join('\n')}\n`);
}

/** Opens respond on the data folder, runs `fn`, signs an audit checkpoint, closes. */
async function withRespond<T>(
  flags: Flags,
  fn: (rt: RespondRuntime, ctx: AuthContext, config: Config) => Promise<T>,
): Promise<T> {
  const config = configFor(flags);
  const db = openDatabase(path.join(config.data, NODE_DB_FILE));
  try {
    const cti = openSqliteCtiStore(db);
    const cases = new CaseService({ store: new SqliteCaseStore(db), incidents: new SqliteIncidentStore(db) });
    const rt = openRespond(config, db, { ports: nodePorts({ cti, cases }) });
    const r = await fn(rt, cliContext(config, flags), config);
    await rt.audit.checkpoint();
    return r;
  } finally {
    db.close();
  }
}

function withOps<T>(flags: Flags, fn: (ops: RunOps, rt: RespondRuntime, ctx: AuthContext) => Promise<T>): Promise<T> {
  return withRespond(flags, (rt, ctx, config) =>
    withRunOps(config.data, rt, (ops) => fn(ops, rt, ctx), { say: (l) => process.stderr.write(`intersoc: ${l}\n`) }),
  );
}

function readJson(file: string): unknown {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (err) {
    throw new AppError('NOT_FOUND', `cannot read ${file}: ${(err as Error).message}`);
  }
  try {
    return JSON.parse(text);
  } catch (err) {
    throw new AppError('PARSE', `${file} is not JSON: ${(err as Error).message}`);
  }
}

function pairs(list: readonly string[]): Record<string, string> {
  const o: Record<string, string> = {};
  for (const p of list) {
    const i = p.indexOf('=');
    if (i <= 0) throw new AppError('VALIDATION', `expected NAME=VALUE, not ${p}`);
    o[p.slice(0, i)] = p.slice(i + 1);
  }
  return o;
}

const collect = (v: string, prev: string[]): string[] => [...prev, v];

/** Shows a run after an operation (the local engine has driven it as far as it goes). */
function showRun(flags: Flags, rt: RespondRuntime, ctx: AuthContext, id: string): void {
  const v = runView(rt.store, ctx, id);
  out(flags, v, () => runText(v));
  if (v.run.status === 'failed') process.exitCode = 1;
}

/** Adds the `playbook` subcommand. */
export function register(program: Command): void {
  const pb = program
    .command('playbook')
    .description('CACAO 2.0 playbooks: validate, store, sign, run, approve, roll back');

  pb.command('validate')
    .description('validate CACAO 2.0 playbooks (OASIS schemas + semantic checks); exit 1 when any is invalid')
    .argument('<files...>', 'playbook JSON files')
    .option('--schemas <dir>', 'OASIS cacao-json-schemas schemas/ folder')
    .option('--json', 'print [{"path","valid","errors"}]')
    .action((files: string[], opts: { schemas?: string; json?: boolean }) => {
      const schemas = opts.schemas ? loadCacaoSchemas(opts.schemas) : cacaoSchemas();
      if (!schemas)
        process.stderr.write(
          `intersoc: OASIS CACAO schemas not found at ${cacaoSchemaDir()}; checking the code rules only\n`,
        );
      const results = files.map((f) => {
        let text: string;
        try {
          text = readFileSync(f, 'utf8');
        } catch (err) {
          return {
            path: f,
            valid: false,
            errors: [`cannot read: ${(err as Error).message}`],
            warnings: [] as readonly string[],
          };
        }
        const v = validatePlaybookText(text, { schemas });
        return { path: f, valid: v.valid, errors: [...v.errors], warnings: v.warnings };
      });
      if (opts.json)
        process.stdout.write(
          `${JSON.stringify(results.map((r) => ({ path: r.path, valid: r.valid, errors: r.errors })))}\n`,
        );
      else {
        for (const r of results) {
          process.stdout.write(`${r.valid ? 'valid  ' : 'INVALID'} ${r.path}\n`);
          for (const e of r.errors) process.stdout.write(`    error   ${e}\n`);
          for (const w of r.warnings) process.stdout.write(`    warning ${w}\n`);
        }
      }
      if (results.some((r) => !r.valid)) process.exitCode = 1;
    });

  dataOptions(
    pb
      .command('add')
      .description('store a playbook version (validated; signatures checked; inline secrets refused or extracted)')
      .argument('<file>')
      .option('--extract-secrets', 'move inline passwords/keys/tokens into the node secrets (kms_key_identifier)')
      .option('--tenant <name>', 'tenant'),
  ).action((file: string, flags: Flags & { extractSecrets?: boolean }) =>
    withRespond(flags, async (rt, ctx) => {
      const r = rt.playbooks.add(ctx, readJson(file), { extractSecrets: flags.extractSecrets === true });
      out(
        flags,
        { id: r.stored.id, version: r.stored.version, added: r.added, warnings: r.warnings, extracted: r.extracted },
        () => [
          `${r.added ? 'added' : 'already stored'} ${r.stored.name} ${r.stored.id} version ${r.stored.version}`,
          ...r.extracted.map((e) => `  secret of ${e} moved to the node secrets`),
          ...r.warnings.map((w) => `  warning ${w}`),
        ],
      );
    }),
  );

  dataOptions(
    pb.command('list').description('stored playbooks (latest version each)').option('--tenant <name>', 'tenant'),
  ).action((flags: Flags) =>
    withRespond(flags, async (rt, ctx) => {
      const items = rt.playbooks.list(ctx);
      out(flags, items, () => playbookLines(items));
    }),
  );

  dataOptions(
    pb
      .command('show')
      .description('a playbook: metadata, workflow, signatures')
      .argument('<id>')
      .option('--version <modified>')
      .option('--tenant <name>', 'tenant'),
  ).action((id: string, flags: Flags & { version?: string }) =>
    withRespond(flags, async (rt, ctx) => {
      const s = rt.playbooks.show(ctx, id, flags.version);
      out(flags, s, () => [
        ...playbookText(s.stored),
        `  versions: ${s.versions.map((v) => v.version).join(', ')}`,
        `  signatures: ${s.verification.signatures.length === 0 ? 'none' : s.verification.signatures.map((x) => `${x.signee} ${x.valid ? `valid (${x.holder ?? ''})` : `INVALID: ${x.reason ?? ''}`}`).join('; ')}`,
      ]);
    }),
  );

  dataOptions(
    pb
      .command('export')
      .description('print a stored playbook (with its signatures) as CACAO JSON')
      .argument('<id>')
      .option('--version <modified>')
      .option('--tenant <name>', 'tenant'),
  ).action((id: string, flags: Flags & { version?: string }) =>
    withRespond(flags, async (rt, ctx) => {
      process.stdout.write(`${JSON.stringify(rt.playbooks.show(ctx, id, flags.version).stored.playbook, null, 2)}\n`);
    }),
  );

  dataOptions(
    pb
      .command('sign')
      .description('sign a stored playbook with the node key (JWS, Ed25519, RFC 8785)')
      .argument('<id>')
      .option('--version <modified>')
      .option('--tenant <name>', 'tenant'),
  ).action((id: string, flags: Flags & { version?: string }) =>
    withRespond(flags, async (rt, ctx) => {
      const s = rt.playbooks.sign(ctx, id, flags.version);
      const sig = s.playbook.signatures?.at(-1);
      out(flags, { id: s.id, version: s.version, signature: sig }, () => [
        `signed ${s.id} version ${s.version} as ${sig?.signee ?? '?'} (${sig?.id ?? '?'})`,
      ]);
    }),
  );

  dataOptions(
    pb
      .command('verify')
      .description(
        'verify the signatures of a stored playbook (id) or a file; exit 1 unless all verify with trusted keys',
      )
      .argument('<id-or-file>')
      .option('--version <modified>')
      .option('--tenant <name>', 'tenant'),
  ).action((target: string, flags: Flags & { version?: string }) =>
    withRespond(flags, async (rt, ctx) => {
      const isId = /^playbook--/.test(target);
      const v = rt.playbooks.verify(
        ctx,
        isId
          ? { id: target, ...(flags.version ? { version: flags.version } : {}) }
          : { doc: readJson(target) as never },
      );
      out(flags, v, () =>
        v.signatures.length === 0
          ? ['no signatures']
          : v.signatures.map(
              (s) =>
                `${s.valid ? 'valid  ' : 'INVALID'} ${s.id} by ${s.signee}${s.holder ? ` (${s.holder})` : ''}${s.reason ? `: ${s.reason}` : ''}`,
            ),
      );
      if (!v.ok) process.exitCode = 1;
    }),
  );

  dataOptions(
    pb
      .command('share')
      .description('share a stored playbook with peers through federation under its TLP (or a stricter --tlp)')
      .argument('<id>')
      .option('--tlp <level>', 'clear, green, amber, amber+strict or red (never looser than the playbook marking)'),
  ).action((id: string, flags: Flags & { tlp?: string }) =>
    withRespond(flags, async (rt, _ctx, config) => {
      const r = await withFederation(config, ({ fed, ctx }) =>
        sharePlaybook(rt, openSqliteCtiStore(rt.store.db), fed, ctx, id, flags.tlp),
      );
      out(flags, r, () => [
        `shared ${id} as ${r.stixId}: ${
          Object.entries(r.queued)
            .map(([p, n]) => `${p} ${n}`)
            .join(', ') || 'no peer may receive it'
        }${r.denied > 0 ? `, ${r.denied} refused by policy` : ''}`,
      ]);
    }),
  );

  dataOptions(
    pb
      .command('import')
      .description('add playbooks peers shared (landed in the CTI store) whose signatures verify with the sender key'),
  ).action((flags: Flags) =>
    withRespond(flags, async (rt) => {
      const errors: string[] = [];
      const added = importSharedPlaybooks(rt, openSqliteCtiStore(rt.store.db), (e) =>
        errors.push((e as Error).message),
      );
      out(flags, { added, refused: errors }, () => [`${added} playbook(s) added`, ...errors.map((e) => `  ${e}`)]);
    }),
  );

  dataOptions(
    pb
      .command('run')
      .description('run a stored playbook (drives it until it waits for a person, unless a node serves the folder)')
      .argument('<id>')
      .option('--version <modified>')
      .option('--var <name=value>', 'playbook variable (repeatable)', collect, [])
      .option('--dry-run', 'show every action that would be taken, with its targets, and take none')
      .option('--incident <id>', 'the incident this run responds to')
      .option('--case <id>', 'the case this run belongs to')
      .option('--tenant <name>', 'tenant'),
  ).action(
    (
      id: string,
      flags: Flags & { version?: string; var: string[]; dryRun?: boolean; incident?: string; case?: string },
    ) =>
      withOps(flags, async (ops, rt, ctx) => {
        const trigger = flags.incident
          ? { kind: 'incident' as const, ref: flags.incident }
          : flags.case
            ? { kind: 'case' as const, ref: flags.case }
            : { kind: 'manual' as const };
        const r = (await ops.startRun(ctx, {
          playbook: id,
          ...(flags.version ? { version: flags.version } : {}),
          variables: pairs(flags.var),
          dryRun: flags.dryRun === true,
          trigger,
        })) as { id: string };
        return r.id;
      }).then((run) => withRespond(flags, async (rt, ctx) => showRun(flags, rt, ctx, run))),
  );

  dataOptions(
    pb
      .command('runs')
      .description('runs, newest first; with a run id, that run step by step')
      .argument('[run]')
      .option('--status <list>', 'comma-separated statuses')
      .option('--playbook <id>')
      .option('--tenant <name>', 'tenant'),
  ).action((run: string | undefined, flags: Flags & { status?: string; playbook?: string }) =>
    withRespond(flags, async (rt, ctx) => {
      if (run) return showRun(flags, rt, ctx, run);
      const page = rt.store.listRuns(ctx, {
        ...(flags.status ? { status: flags.status.split(',') } : {}),
        ...(flags.playbook ? { playbook: flags.playbook } : {}),
        limit: 1000,
      });
      out(flags, page.items, () => runLines(page.items));
    }),
  );

  dataOptions(
    pb
      .command('inbox')
      .description('steps waiting for a person: approvals, manual tasks, steps in doubt')
      .option('--tenant <name>', 'tenant'),
  ).action((flags: Flags) =>
    withRespond(flags, async (rt, ctx) => {
      const w = rt.store.openWaits(ctx);
      out(flags, w, () => (w.length === 0 ? ['nothing waits'] : w.map(waitLine)));
    }),
  );

  const stepOp = (
    name: string,
    description: string,
    extra: (c: Command) => Command,
    call: (
      ops: RunOps,
      ctx: AuthContext,
      run: string,
      step: string,
      flags: Record<string, unknown>,
      rest: string[],
    ) => Promise<unknown>,
  ): void => {
    dataOptions(
      extra(
        pb
          .command(name)
          .description(description)
          .argument('<run>')
          .argument('<step>')
          .option('--tenant <name>', 'tenant'),
      ),
    ).action((run: string, step: string, ...args: unknown[]) => {
      const cmd = args[args.length - 1] as Command;
      const flags = cmd.opts<Flags & Record<string, unknown>>();
      const rest = (cmd.args.slice(2) as string[]) ?? [];
      return withOps(flags, (ops, _rt, ctx) => call(ops, ctx, run, step, flags, rest)).then(() =>
        withRespond(flags, async (rt, ctx) => showRun(flags, rt, ctx, run)),
      );
    });
  };
  stepOp(
    'approve',
    'approve a waiting step (a step in doubt: run it again)',
    (c) => c.option('--reason <text>'),
    (ops, ctx, run, step, f) => ops.approve(ctx, run, step, typeof f['reason'] === 'string' ? f['reason'] : undefined),
  );
  stepOp(
    'deny',
    'deny a waiting step: it fails closed with the reason',
    (c) => c.requiredOption('--reason <text>'),
    (ops, ctx, run, step, f) => ops.deny(ctx, run, step, String(f['reason'])),
  );
  stepOp(
    'answer',
    'answer a manual task: NAME=VALUE for its out_args',
    (c) => c.argument('<values...>'),
    (ops, ctx, run, step, _f, rest) => ops.answer(ctx, run, step, pairs(rest)),
  );
  stepOp(
    'resolve',
    'resolve a step left in doubt by a restart: retry, done or fail',
    (c) => c.argument('<resolution>'),
    (ops, ctx, run, step, _f, rest) => {
      const r = rest[0];
      if (r !== 'retry' && r !== 'done' && r !== 'fail')
        throw new AppError('VALIDATION', 'resolution is retry, done or fail');
      return ops.resolve(ctx, run, step, r);
    },
  );

  const runOp = (
    name: string,
    description: string,
    extra: (c: Command) => Command,
    call: (
      ops: RunOps,
      ctx: AuthContext,
      run: string,
      flags: Record<string, unknown>,
      rest: string[],
    ) => Promise<unknown>,
  ): void => {
    dataOptions(
      extra(pb.command(name).description(description).argument('<run>').option('--tenant <name>', 'tenant')),
    ).action((run: string, ...args: unknown[]) => {
      const cmd = args[args.length - 1] as Command;
      const flags = cmd.opts<Flags & Record<string, unknown>>();
      return withOps(flags, (ops, _rt, ctx) => call(ops, ctx, run, flags, cmd.args.slice(1) as string[])).then((r) =>
        withRespond(flags, async (rt, ctx) => {
          if (name === 'rollback' && !flags.json) {
            for (const x of (r as { reverted: { summary: string; ok: boolean; error?: string }[] }).reverted) {
              process.stdout.write(`${x.ok ? 'reverted' : 'FAILED  '} ${x.summary}${x.error ? `: ${x.error}` : ''}\n`);
            }
          }
          showRun(flags, rt, ctx, run);
        }),
      );
    });
  };
  runOp(
    'cancel',
    'cancel a run (its actions stay until rolled back)',
    (c) => c.option('--reason <text>'),
    (ops, ctx, run, f) => ops.cancel(ctx, run, typeof f['reason'] === 'string' ? f['reason'] : 'cancelled'),
  );
  runOp(
    'rollback',
    'undo the completed actions of a run, newest first',
    (c) => c,
    (ops, ctx, run) => ops.rollback(ctx, run),
  );
  runOp(
    'extend',
    'keep a time-boxed action longer: ACTION (its number) for --for MS',
    (c) => c.argument('<action>').requiredOption('--for <ms>'),
    (ops, ctx, run, f, rest) => ops.extend(ctx, run, Number(rest[0]), Number(f['for'])),
  );
}
