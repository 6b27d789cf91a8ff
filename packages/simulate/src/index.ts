/**
 * @module
 * `@intersoc/simulate`: a deterministic attack simulator. It streams realistic, labelled
 * telemetry of a small organisation (Windows Sysmon and Security events as NXLog JSON, Linux
 * auditd and RFC 5424 syslog, Zeek conn/dns/http JSON) with ATT&CK-labelled attack stories
 * mixed into benign background traffic.
 */

// generation
export { simulate, simulation } from './simulate/simulate.js';
export { lastWorkingHour } from './simulate/working-hours.js';
export { parseSimulateOptions, SIMULATE_DEFAULTS, SimulateOptionsSchema } from './simulate/options.js';
export { summary } from './summary/summary.js';
export type { SimSummary } from './summary/summary.js';

// catalogues
export { TECHNIQUES, techniqueById } from './catalogue/techniques.js';
export { SCENARIOS, scenarioKind } from './catalogue/scenarios.js';

// types
export { BENIGN, SIM_FORMATS } from './types.js';
export type {
  ScenarioInfo,
  SimAccount,
  SimChain,
  SimEstate,
  SimFormat,
  SimHost,
  SimRecord,
  SimTruth,
  SimulateOptions,
  Simulation,
  TechniqueCarrier,
  TechniqueInfo,
} from './types.js';
