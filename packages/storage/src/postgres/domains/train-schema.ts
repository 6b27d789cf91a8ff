/**
 * @module
 * Analyst training on PostgreSQL (migration step 20), mirroring the SQLite `train` schema of
 * `@intersoc/train`: exercises of the instructor's tenant, runs (each with its own training
 * tenant, unique) and every trainee action, append-only, numbered per run. Text keys compare
 * byte-wise (`COLLATE "C"`), as SQLite orders the listings; times are epoch ms (`bigint`); the
 * exercise document, a run's state and an action stay JSON text, read whole as on SQLite. The
 * store class is `PgTrainStore` in `@intersoc/train`.
 */

export const TRAIN_STEP = `
  CREATE TABLE train_exercises (
    tenant text COLLATE "C" NOT NULL,
    id text COLLATE "C" NOT NULL,
    title text NOT NULL,
    created bigint NOT NULL,
    author text NOT NULL,
    doc text NOT NULL,
    PRIMARY KEY (tenant, id)
  );
  CREATE TABLE train_runs (
    id text COLLATE "C" PRIMARY KEY,
    tenant text COLLATE "C" NOT NULL,
    exercise text COLLATE "C" NOT NULL,
    trainee text COLLATE "C" NOT NULL,
    training_tenant text COLLATE "C" NOT NULL UNIQUE,
    started bigint NOT NULL,
    finished bigint,
    state text NOT NULL
  );
  CREATE INDEX train_runs_by_tenant ON train_runs (tenant, started);
  CREATE TABLE train_actions (
    run text COLLATE "C" NOT NULL,
    seq integer NOT NULL,
    time bigint NOT NULL,
    level text NOT NULL,
    kind text NOT NULL,
    doc text NOT NULL,
    PRIMARY KEY (run, seq)
  );`;
