/**
 * @module
 * The node's configuration schema with safe defaults. Loading (file + environment) happens in
 * the app; this module only defines and validates the shape.
 */
import { z } from 'zod';

const port = z.number().int().min(0).max(65535);

/** One entry of the personal-data inventory (see `privacy.inventory`). */
export const PersonalFieldSchema = z
  .object({
    /** Field name or glob over ECS or original field names, e.g. `user.*`, `TargetUserName`. */
    field: z.string().min(1),
    /** What the value identifies. */
    kind: z.enum(['user', 'email', 'host', 'ip', 'path']),
    /** Only when: `workstation` (host names matching workstationPattern), `internal` (internal addresses), `user-path` (text holding a user's profile path). */
    when: z.enum(['always', 'workstation', 'internal', 'user-path']).default('always'),
    /** GDPR data category, e.g. `identification`, `online identifiers`, `usage data`. */
    category: z.string().default('identification'),
    /** Legal basis (Art. 6), e.g. `Art. 6(1)(f) legitimate interest: network security (Recital 49)`. */
    legalBasis: z.string().default('Art. 6(1)(f) legitimate interest in network and information security (Recital 49)'),
  })
  .strict();

/** Configuration schema; every field has a default, so `{}` is a valid configuration. */
export const ConfigSchema = z
  .object({
    /** Data directory (SQLite files, keys). */
    data: z.string().min(1).default('./data'),
    http: z
      .object({
        host: z.string().default('127.0.0.1'),
        port: port.default(8080),
        /** Largest accepted request body, bytes. */
        bodyLimit: z
          .number()
          .int()
          .positive()
          .default(32 * 1024 * 1024),
        /** Mark the session cookie `Secure`: set it when TLS terminates at or in front of the node. */
        secureCookies: z.boolean().default(false),
        /**
         * Which reverse proxies to believe for the client address and scheme (`X-Forwarded-For`,
         * `X-Forwarded-Proto`): `false` (none), a hop count, or proxy addresses/CIDRs (a list or a
         * comma-separated string). `true` believes any sender, which lets clients forge their
         * address past the login throttle: only behind a proxy that strips the header.
         */
        trustProxy: z
          .union([z.boolean(), z.number().int().min(1).max(16), z.string().min(1), z.array(z.string().min(1))])
          .default(false),
        /**
         * Browser origins (`https://soc.example.org`) allowed to make cookie-authenticated changes
         * besides the node's own; a list or a comma-separated string.
         */
        allowedOrigins: z
          .union([z.string(), z.array(z.string())])
          .transform((v) => (typeof v === 'string' ? v.split(',') : v).map((s) => s.trim()).filter((s) => s !== ''))
          .pipe(z.array(z.url({ protocol: /^https?$/ })))
          .default([]),
      })
      .prefault({}),
    syslog: z
      .object({
        enabled: z.boolean().default(true),
        host: z.string().default('127.0.0.1'),
        /** Unprivileged defaults; 514 needs root. 0 picks a free port. */
        udpPort: port.default(5514),
        tcpPort: port.default(5514),
        /** Largest syslog message accepted on TCP (octet-counted or newline framed). */
        maxMessageBytes: z
          .number()
          .int()
          .positive()
          .default(1024 * 1024),
        /**
         * Kernel receive buffer asked for the UDP socket (rsyslog's rcvbufSize): bursts wait there
         * while the pipeline catches up. The kernel caps it at net.core.rmem_max; the size obtained
         * and the kernel's drops are reported in /metrics and health.
         */
        udpReceiveBufferBytes: z
          .number()
          .int()
          .min(64 * 1024)
          .default(32 * 1024 * 1024),
      })
      .prefault({}),
    ingest: z
      .object({
        /** Records longer than this are dead-lettered, not parsed. */
        maxRecordBytes: z
          .number()
          .int()
          .positive()
          .default(1024 * 1024),
        /** Events queued between sources and the pipeline before backpressure applies. */
        queueCapacity: z.number().int().positive().default(50_000),
        /** Events per pipeline batch. */
        batchSize: z.number().int().positive().default(2_000),
        /** Parser worker threads; 0 parses on the main thread. Default: cores - 1, at least 1. */
        workers: z.number().int().min(0).max(64).optional(),
        /** Tenant for sources that do not name one. */
        defaultTenant: z.string().default('default'),
        /**
         * How often the ingest journal is checkpointed (pipeline flushed, journal truncated), ms.
         * Shorter keeps the journal and the replay after a crash small; longer cuts fewer blocks short.
         */
        journalCheckpointMs: z.number().int().min(100).max(600_000).default(2_000),
      })
      .prefault({}),
    storage: z
      .object({
        /** Events per compressed block. */
        blockEvents: z.number().int().min(16).max(65_536).default(2_048),
        /**
         * Build a block's term index in the parse threads as it is written (true), or in the writer
         * when ingest pauses (false, the default). At ingest, every block is searchable through the
         * index at once, but collecting the tokens costs more than half of ingest's CPU (measured:
         * 0.043 against 0.105 of JSON.parse's rate on one core); when idle, fresh blocks are found
         * by scanning until the indexer reaches them, and health says how many wait.
         */
        indexAtIngest: z.boolean().default(false),
        /** Days of events kept per tenant (0 keeps forever). */
        retentionDays: z.number().int().min(0).default(30),
        /** Stored bytes per tenant before the oldest partitions go (0 = no limit). */
        retentionMaxBytes: z.number().int().min(0).default(0),
        /** Per-tenant overrides of the two retention settings above. */
        tenants: z
          .record(
            z.string(),
            z
              .object({
                retentionDays: z.number().int().min(0).optional(),
                retentionMaxBytes: z.number().int().min(0).optional(),
              })
              .strict(),
          )
          .default({}),
      })
      .prefault({}),
    /** Search and export: reader threads, time budget, per-user concurrency, expensive-query limits. */
    search: z
      .object({
        /** Reader worker threads that run searches and exports; 0 searches on the main thread. */
        readers: z.number().int().min(0).max(16).default(2),
        /** Work per search call before it answers with a partial page and a cursor, ms. */
        timeBudgetMs: z.number().int().min(50).default(5_000),
        /** A reader still busy this long after its time budget ran out is terminated and replaced, ms. */
        overrunGraceMs: z.number().int().min(10).default(15_000),
        /**
         * Searches one user may run at once; the next is answered 429 with Retry-After. The
         * dashboard's search view sends three at once (events, histogram, field names).
         */
        maxConcurrentPerUser: z.number().int().min(1).default(3),
        /** Most `*`-separated segments in one wildcard pattern. */
        maxWildcardSegments: z.number().int().min(1).default(16),
        /** Most terms in one query. */
        maxClauses: z.number().int().min(1).default(512),
        /** Deepest nesting of AND, OR and NOT. */
        maxDepth: z.number().int().min(1).default(20),
        /**
         * Widest time range, days, for an event query with a leading wildcard (`*x`) and no word
         * the term index can use; an open range counts as unbounded (0 = no limit).
         */
        leadingWildcardMaxDays: z.number().int().min(0).default(31),
      })
      .prefault({}),
    auth: z
      .object({
        sessionTtlSeconds: z
          .number()
          .int()
          .positive()
          .default(8 * 3600),
      })
      .prefault({}),
    log: z
      .object({
        level: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
      })
      .prefault({}),
    cti: z
      .object({
        /** Longest STIX pattern accepted on import (characters). */
        patternMaxLength: z.number().int().positive().default(65_536),
        /** Most comparison terms in one pattern (each `IN` value counts). */
        patternMaxComparisons: z.number().int().positive().default(1_000),
        /** Deepest nesting of brackets and parentheses in one pattern. */
        patternMaxDepth: z.number().int().positive().default(100),
        /** Time pattern indicators may spend per detection batch before the costliest is disabled, ms. */
        iocBudgetMs: z.number().int().positive().default(2_000),
      })
      .prefault({}),
    forecast: z
      .object({
        /** Minutes between forecasts of every tenant (0: only on request, `POST /api/forecast/refresh`). */
        refreshMinutes: z
          .number()
          .int()
          .min(0)
          .max(24 * 60)
          .default(60),
      })
      .prefault({}),
    /**
     * The node's watch over its learned models and its own series (issue 12, docs/ML.md): a periodic
     * drift check of every deployed model, and the streaming anomaly detector on event rates per
     * source and bytes per host.
     */
    ml: z
      .object({
        /** Minutes between drift checks of the deployed models (0: never). */
        driftCheckMinutes: z
          .number()
          .int()
          .min(0)
          .max(7 * 24 * 60)
          .default(60),
        /** Hours of live events each drift check reads. */
        driftHours: z
          .number()
          .positive()
          .max(24 * 400)
          .default(24),
        /** PSI at or above which a model warns (0.25 is the usual "drifted"). */
        driftPsi: z.number().positive().default(0.25),
        /** Run the anomaly detector on the node's own series. */
        anomalyEnabled: z.boolean().default(true),
        /** Bucket of the live series, minutes (one row per bucket). */
        anomalyBucketMinutes: z
          .number()
          .int()
          .min(1)
          .max(24 * 60)
          .default(5),
        /** Buckets a series learns from before it scores (at least 50). */
        anomalyProbation: z.number().int().min(50).default(288),
        /** Anomaly score at or above which an alert is raised. */
        anomalyThreshold: z.number().min(0).max(1).default(0.75),
        /** Series per tenant and family (events per source, bytes per host). */
        anomalyMaxSeries: z.number().int().min(1).max(1000).default(25),
      })
      .prefault({}),
    /**
     * Host behaviour baselines (issue 12, `packages/learn/src/baselines`): new parent → child
     * processes, logon sources and types, services, tasks and cron jobs per host or user, hourly
     * event rates outside their seasonal band, and hosts or sources gone silent. Event time; state
     * in `<data>/baselines.db`. See docs/ML.md.
     */
    baselines: z
      .object({
        /** Run the `baseline` detector kind and its stage on the writer thread. */
        enabled: z.boolean().default(true),
        /** An entity alerts only after this much history (event time), days. */
        warmupDays: z.number().min(0).max(365).default(7),
        /** ...and this many observations of the kind (process starts, logons...). */
        warmupObservations: z.number().int().min(0).default(50),
        /** Items and entities unseen this long are forgotten (a return is new again), days. */
        expireDays: z.number().min(1).max(3650).default(90),
        /** Distinct items kept per entity and kind (least recently seen dropped first). */
        maxItemsPerEntity: z.number().int().min(1).default(2_000),
        /** Entities kept per tenant and kind (least recently seen dropped first). */
        maxEntities: z.number().int().min(1).default(50_000),
        /** Half-width of the hourly rate band, in standard deviations of log counts. */
        rateSigma: z.number().positive().default(3),
        /** A rate alert also needs this many events more (or fewer) than expected. */
        rateMinDelta: z.number().int().min(0).default(20),
        /** Silence: an empty hour is evidence only where the host or source had events in this share of past hours. */
        steadyShare: z.number().min(0.5).max(1).default(0.9),
        /** Silence: a silent stretch alerts once its chance under the history falls below this. */
        silenceP: z.number().positive().max(0.5).default(0.001),
      })
      .prefault({}),
    /**
     * Privacy by design (issue 20): which fields carry personal data, who sees pseudonyms, how
     * re-identification is approved, and the facts of the GDPR Art. 30 record. See docs/PRIVACY.md.
     */
    privacy: z
      .object({
        /** Fields that carry personal data; replaces the default inventory when given. */
        inventory: z.array(PersonalFieldSchema).optional(),
        /** Fields added to the inventory (default or configured), for every tenant. */
        extraFields: z.array(PersonalFieldSchema).default([]),
        /** Host names of workstations (one person's machine), as a case-insensitive regular expression. */
        workstationPattern: z.string().default('^(wks|ws|pc|nb|lt|laptop|desktop|client)[-_]?[0-9a-z]*(\\.|$)'),
        /** Networks whose addresses are internal (personal when they are a workstation's). */
        internalNetworks: z.array(z.string()).default(['10.0.0.0/8', '172.16.0.0/12', '192.168.0.0/16', 'fc00::/7']),
        /** Roles that see pseudonyms instead of personal values. */
        pseudonymiseRoles: z.array(z.string()).default([]),
        /** Users (`tenant/name` or `name`) who act as data protection officer besides admins: they read every re-identification. */
        dpoUsers: z.array(z.string()).default([]),
        /** A second person must approve a re-identification before it is shown. */
        fourEyes: z.boolean().default(false),
        /** Purposes of processing (Art. 30(1)(b)). */
        purposes: z
          .array(z.string())
          .default([
            'network and information security: detecting, analysing and responding to attacks (GDPR Recital 49, NIS2 Art. 21)',
          ]),
        /** Name and contact of the controller and of the data protection officer (Art. 30(1)(a)). */
        controller: z.string().default('the operator of this node (set privacy.controller)'),
        dpoContact: z.string().default('(set privacy.dpoContact)'),
        /** Per-tenant settings: extra fields, and whether every user of the tenant sees pseudonyms. */
        tenants: z
          .record(
            z.string(),
            z
              .object({
                extraFields: z.array(PersonalFieldSchema).default([]),
                pseudonymiseAll: z.boolean().default(false),
              })
              .strict(),
          )
          .default({}),
      })
      .prefault({}),
    /**
     * Roles this process runs (`intersoc serve --role`): `all` (the embedded node) or a
     * comma-separated list of `ingest`, `detect` (scale-out mode, needs `bus.url`).
     */
    roles: z.string().min(1).default('all'),
    /** Scale-out bus: NATS JetStream (`INTERSOC_BUS_URL`). Absent: the embedded in-process node. */
    bus: z
      .object({
        /** `nats://host:port` (several separated by commas). */
        url: z
          .string()
          .regex(/^nats:\/\//, 'must start with nats://')
          .optional(),
        /** Partitions per tenant and source: a host's events always travel on one of them, in order. */
        partitions: z.number().int().min(1).max(1024).default(16),
        /** Batches in flight across the detect group before the stream holds the rest (backpressure). */
        maxAckPending: z.number().int().min(1).default(8),
        /** Longest a batch held by a silent detect worker waits before another worker gets it, ms. */
        ackWaitMs: z.number().int().min(1_000).default(30_000),
        /** Port of a scale-out role's own `/metrics` listener on `http.host` (0 = any free port; absent = off). */
        metricsPort: z.number().int().min(0).max(65535).optional(),
        /**
         * Partitions of the correlation state (`correlate.<tenant>.<partition>`): each has one
         * correlate owner at a time. Detect and correlate roles must all use the same number.
         */
        correlatePartitions: z.number().int().min(1).max(256).default(8),
        /** A correlate partition's lease time, ms: how long a dead owner's partitions wait for another. */
        correlateLeaseMs: z.number().int().min(1_000).max(300_000).default(15_000),
        /**
         * How often the detect and correlate roles ask a PostgreSQL store whether its shared rule
         * packs or tuning changed (`intersoc rules add --store`), ms; a change is applied without a restart.
         */
        rulesPollMs: z.number().int().min(200).max(600_000).default(5_000),
        /** Bearer token a role's `/metrics` requires (`INTERSOC_BUS_METRICS_TOKEN`; needed with `metricsPort`). */
        metricsToken: z.string().min(16, 'bus.metricsToken: at least 16 characters').optional(),
        /**
         * Byte bound of the events stream (8 GiB by default): where batches wait while the detect
         * workers cannot store them. At the bound publishes are refused and ingest slows down.
         */
        streamMaxBytes: z.number().int().min(65_536).optional(),
        /**
         * A bus whose role instances the embedded node's health view lists (their heartbeats in the
         * KV bucket `intersoc_roles`), without running any role itself (`INTERSOC_BUS_MONITOR_URL`).
         */
        monitorUrl: z
          .string()
          .regex(/^nats:\/\//, 'must start with nats://')
          .optional(),
      })
      .prefault({}),
    /** Scale-out store (`INTERSOC_STORE_URL`): `postgres://…`, or `sqlite:DIR` shared by local workers. */
    store: z
      .object({
        url: z.string().min(1).optional(),
      })
      .prefault({}),
  })
  .strict();

/** Validated configuration. */
export type Config = z.infer<typeof ConfigSchema>;
/** One entry of the personal-data inventory. */
export type PersonalField = z.infer<typeof PersonalFieldSchema>;
/** Configuration as written in a file (every field optional). */
export type ConfigInput = z.input<typeof ConfigSchema>;

/** The retention policy of one tenant: its override, else the node default. */
export function retentionFor(config: Config, tenant: string): { maxAgeDays: number; maxBytes: number } {
  const o = config.storage.tenants[tenant];
  return {
    maxAgeDays: o?.retentionDays ?? config.storage.retentionDays,
    maxBytes: o?.retentionMaxBytes ?? config.storage.retentionMaxBytes,
  };
}
