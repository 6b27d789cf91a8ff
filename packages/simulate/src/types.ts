/**
 * @module
 * Public types of the simulator: the records it yields, the options it takes and the shape of
 * its technique and scenario catalogues.
 */

/** Wire format of a generated record, i.e. which parser family reads it. */
export type SimFormat = 'windows' | 'syslog' | 'auditd' | 'zeek';

/** All formats, in a stable order. */
export const SIM_FORMATS: readonly SimFormat[] = ['windows', 'syslog', 'auditd', 'zeek'];

/** Label of a record that belongs to no attack. */
export const BENIGN = 'benign';

/** One generated log record with its ground truth. */
export interface SimRecord {
  /** Event time, epoch ms (the time the record itself carries). */
  readonly time: number;
  readonly format: SimFormat;
  /**
   * Stream the record belongs to, `demo/<host>/<log>`: `sysmon`, `security`, `system` (Windows
   * channels), `auditd`, `syslog` (Linux), `conn`, `dns`, `http` (Zeek logs of the sensor).
   */
  readonly source: string;
  /** Short name of the host (or network sensor) that logged the record. */
  readonly host: string;
  /** The raw record: one JSON object (Windows, Zeek) or one text line (syslog, auditd). */
  readonly record: string;
  /** `benign` or the ATT&CK technique id the record evidences, e.g. `T1003.001`. */
  readonly label: string;
  /** Attack story instance, `<scenario id>#<n>`; absent on benign records. */
  readonly scenario?: string;
}

/** Options of one simulation run. */
export interface SimulateOptions {
  /** Seed of the pseudo-random generator: same seed and options give byte-identical output. */
  readonly seed: number;
  /** Length of the simulated window in hours (fractions allowed). */
  readonly hours: number;
  /** Start of the window, epoch ms. Defaults to `now - hours` (the only use of the clock). */
  readonly start?: number;
  /** Number of hosts that log (Windows and Linux; the network sensor comes on top). Default 8. */
  readonly hosts?: number;
  /** Number of domain users. Default 12. */
  readonly users?: number;
  /** Multiplier of the benign background volume. Default 1. */
  readonly intensity?: number;
}

/** Where a technique shows up: format, log stream and, for Windows, the event ids. */
export interface TechniqueCarrier {
  readonly format: SimFormat;
  /** Log stream suffix as in `SimRecord.source` (e.g. `sysmon`, `security`, `conn`). */
  readonly log: string;
  /**
   * What carries the evidence in that log: Windows event ids, auditd record types, syslog
   * programs, Zeek conn responder ports (`dynamic` for RPC ports above 49151), DNS query types
   * or HTTP methods.
   */
  readonly events: readonly (number | string)[];
}

/** One ATT&CK technique the simulator produces. */
export interface TechniqueInfo {
  /** ATT&CK id, e.g. `T1003.001`. */
  readonly id: string;
  /** ATT&CK name, e.g. `OS Credential Dumping: LSASS Memory`. */
  readonly name: string;
  /** ATT&CK tactic short names (kill-chain phases), e.g. `credential-access`. */
  readonly tactics: readonly string[];
  readonly carriers: readonly TechniqueCarrier[];
  /** One line on what the simulated evidence looks like. */
  readonly description: string;
}

/** One attack story the simulator mixes into the background. */
export interface ScenarioInfo {
  /** Stable id, e.g. `rdp-intrusion`; record `scenario` fields are `<id>#<n>`. */
  readonly id: string;
  readonly name: string;
  readonly description: string;
  /** Techniques in the order the story uses them. */
  readonly techniques: readonly string[];
  /** Formats the story leaves traces in. */
  readonly formats: readonly SimFormat[];
}

/** One attack chain (story instance) as it was simulated: the ground truth an incident is scored against. */
export interface SimChain {
  /** Story instance, `<scenario id>#<n>`. */
  readonly id: string;
  /** Hosts that logged the chain's records or whose addresses its network records carry. */
  readonly hosts: readonly string[];
  /** Accounts the chain used. */
  readonly users: readonly string[];
  /** ATT&CK techniques of its records. */
  readonly techniques: readonly string[];
  /** First and last record, ISO-8601. */
  readonly start: string;
  readonly end: string;
}

/** Ground truth of a run. */
export interface SimTruth {
  readonly chains: readonly SimChain[];
}

/** A simulated host, for an asset inventory. */
export interface SimHost {
  readonly name: string;
  readonly fqdn?: string;
  readonly ip: string;
  readonly os: 'windows' | 'linux';
  /** `domain-controller`, `file-server`, `workstation`, `web-server`, `database-server`, `app-server`. */
  readonly role: string;
  /** How much the host matters: domain controllers most, workstations least. */
  readonly criticality: 'low' | 'medium' | 'high' | 'critical';
  readonly owner?: string;
}

/** A simulated account. */
export interface SimAccount {
  readonly name: string;
  readonly domain: string;
  readonly admin: boolean;
}

/** The simulated estate. */
export interface SimEstate {
  readonly dnsDomain: string;
  readonly hosts: readonly SimHost[];
  readonly accounts: readonly SimAccount[];
  /** The network sensor (its records are about other hosts). */
  readonly sensor: string;
}

/** A run with its ground truth. */
export interface Simulation {
  /** The records, in time order (as `simulate` yields them). */
  readonly records: Generator<SimRecord, void, void>;
  /** Chains seen so far; complete once `records` is exhausted. */
  truth(): SimTruth;
  readonly estate: SimEstate;
}
