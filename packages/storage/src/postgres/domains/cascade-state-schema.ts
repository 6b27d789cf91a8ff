/**
 * @module
 * The cascade service's own state on PostgreSQL (migration step 25), mirroring the SQLite
 * `cascade-soc` set of `@intersoc/cascade` (`service/tables.ts`): `cascade_impacts` (the cascade
 * impact of an incident as JSON `text`), `cascade_warnings` (warnings sent and received, one row
 * per id and direction, the warning and a received one's local cascade as JSON `text`) and
 * `cascade_cursor` (the node pollers' positions). Times and cursor values are epoch ms (`bigint`);
 * ids compare byte-wise (`COLLATE "C"`), as SQLite orders them, so the warnings list breaks ties
 * of time the same way on both. The index serves that list (newest first per tenant). The store
 * class is `PgCascadeState` in `@intersoc/cascade`.
 */

export const CASCADE_STATE_STEP = `
  CREATE TABLE cascade_impacts (
    tenant text NOT NULL,
    incident text COLLATE "C" NOT NULL,
    computed bigint NOT NULL,
    doc text NOT NULL,
    PRIMARY KEY (tenant, incident)
  );
  CREATE TABLE cascade_warnings (
    tenant text NOT NULL,
    id text COLLATE "C" NOT NULL,
    direction text COLLATE "C" NOT NULL CHECK (direction IN ('sent', 'received')),
    peer text NOT NULL,
    time bigint NOT NULL,
    doc text NOT NULL,
    PRIMARY KEY (tenant, id, direction)
  );
  CREATE INDEX cascade_warnings_time ON cascade_warnings (tenant, time DESC, id, direction);
  CREATE TABLE cascade_cursor (
    tenant text NOT NULL,
    name text COLLATE "C" NOT NULL,
    value bigint NOT NULL,
    PRIMARY KEY (tenant, name)
  );`;
