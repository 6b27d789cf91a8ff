/**
 * @module
 * The forecast tables on PostgreSQL (migration step 16), mirroring the SQLite `forecast` set of
 * `@intersoc/forecast`: the latest forecast per series and granularity, the early warnings, the
 * sector counts peers shared, and the hourly counts seen on the bus. Documents are JSON as `text`
 * (read whole, never queried inside); times and counts are `bigint`. Series, ids, sectors and
 * techniques compare byte-wise (`COLLATE "C"`), as SQLite orders them. The store class is
 * `PgForecastStore` in `@intersoc/forecast`.
 */

export const FORECAST_STEP = `
  CREATE TABLE forecast_series (
    tenant text NOT NULL,
    series text COLLATE "C" NOT NULL,
    granularity text COLLATE "C" NOT NULL,
    made bigint NOT NULL,
    doc text NOT NULL,
    PRIMARY KEY (tenant, series, granularity)
  );
  CREATE TABLE forecast_warnings (
    tenant text NOT NULL,
    id text COLLATE "C" NOT NULL,
    time bigint NOT NULL,
    doc text NOT NULL,
    PRIMARY KEY (tenant, id)
  );
  CREATE INDEX forecast_warnings_by_time ON forecast_warnings (tenant, time DESC, id);
  CREATE TABLE forecast_sector_counts (
    tenant text NOT NULL,
    sector text COLLATE "C" NOT NULL,
    technique text COLLATE "C" NOT NULL,
    member text COLLATE "C" NOT NULL,
    day bigint NOT NULL,
    count bigint NOT NULL,
    PRIMARY KEY (tenant, sector, technique, member, day)
  );
  CREATE INDEX forecast_sector_counts_by_day ON forecast_sector_counts (tenant, day);
  CREATE TABLE forecast_counts (
    tenant text NOT NULL,
    series text COLLATE "C" NOT NULL,
    hour bigint NOT NULL,
    value bigint NOT NULL,
    PRIMARY KEY (tenant, series, hour)
  );`;
