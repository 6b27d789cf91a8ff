/**
 * @module
 * The cascade dependency graphs on PostgreSQL (migration step 17), mirroring the SQLite `cascade`
 * set of `@intersoc/cascade`: `cascade_graphs` (one summary row per graph), `cascade_entities`
 * (the entity as JSON `text`, with its inventory host for the asset lookup) and
 * `cascade_dependencies` (typed columns, `double precision` as SQLite's REAL). Graph names and
 * ids compare byte-wise (`COLLATE "C"`), as SQLite orders them. `stamp`, which SQLite has not,
 * takes a new value of `cascade_graph_stamps` on every write, so a process that cached a compiled
 * graph sees any change by another, even a delete and re-create that restarts `version`. The store
 * class is `PgGraphStore` in `@intersoc/cascade`; the service's impacts, warnings and cursors
 * are migration step 25 (`cascade-state-schema.ts`).
 */

export const CASCADE_STEP = `
  CREATE SEQUENCE cascade_graph_stamps;
  CREATE TABLE cascade_graphs (
    tenant text NOT NULL,
    name text COLLATE "C" NOT NULL,
    created bigint NOT NULL,
    updated bigint NOT NULL,
    version bigint NOT NULL,
    entities bigint NOT NULL,
    dependencies bigint NOT NULL,
    source text NOT NULL,
    stamp bigint NOT NULL,
    PRIMARY KEY (tenant, name)
  );
  CREATE TABLE cascade_entities (
    tenant text NOT NULL,
    graph text COLLATE "C" NOT NULL,
    id text COLLATE "C" NOT NULL,
    asset text,
    doc text NOT NULL,
    PRIMARY KEY (tenant, graph, id)
  );
  CREATE INDEX cascade_entities_asset ON cascade_entities (tenant, asset) WHERE asset IS NOT NULL;
  CREATE TABLE cascade_dependencies (
    tenant text NOT NULL,
    graph text COLLATE "C" NOT NULL,
    source text COLLATE "C" NOT NULL,
    target text COLLATE "C" NOT NULL,
    type text NOT NULL,
    strength double precision NOT NULL,
    tti double precision NOT NULL,
    recovery double precision NOT NULL,
    PRIMARY KEY (tenant, graph, source, target)
  );`;
