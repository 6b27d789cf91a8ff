/**
 * @module
 * An exercise from a closed incident: today's incident becomes tomorrow's exercise. The
 * incident's events become a records scenario (replayed shifted to now, hosts and users renamed
 * per trainee, so no trainee sees the real names), and what the analysts confirmed becomes the
 * answers: the first host, the hosts and users involved, the initial technique and the techniques.
 */
import { AppError } from '@intersoc/core';
import { EXERCISE_FORMAT, type Exercise, type Level } from '../exercise/schema.js';

/** What an exercise needs from a closed incident (the analyst-confirmed facts). */
export interface IncidentFacts {
  readonly id: string;
  readonly title: string;
  readonly status: string;
  readonly hosts: readonly string[];
  readonly users: readonly string[];
  /** In kill-chain order. */
  readonly techniques: readonly string[];
  /** The host of the incident's first alert. */
  readonly firstHost?: string;
}

/** One event of the incident, as it was received. */
export interface IncidentRecord {
  readonly format: string;
  readonly record: string;
  /** The ATT&CK technique of the alert that holds it. */
  readonly label?: string;
}

const TECHNIQUE = /^T\d{4}(\.\d{3})?$/;
const MAX_RECORDS = 200_000;

/** The exercise; VALIDATION unless the incident is closed and has events. */
export function exerciseFromIncident(inc: IncidentFacts, records: readonly IncidentRecord[]): Exercise {
  if (inc.status !== 'closed') throw new AppError('VALIDATION', `incident ${inc.id} is ${inc.status}, not closed`);
  if (records.length === 0) throw new AppError('VALIDATION', `incident ${inc.id} has no events to replay`);
  const techniques = inc.techniques.filter((t) => TECHNIQUE.test(t));
  const first = inc.firstHost ?? inc.hosts[0];
  const scored = {
    hints: [],
    solution: '',
    solution_penalized: true,
    incorrect_answer_limit: 5,
    techniques,
  };
  const levels: Level[] = [
    {
      type: 'info',
      title: 'Briefing',
      content:
        `A real incident of this SOC, replayed for you with times moved to now and every host and user renamed: ` +
        `${records.length} events. Work in the dashboard of your training tenant.`,
    },
  ];
  if (first)
    levels.push({
      type: 'find',
      title: 'Which host was compromised first?',
      content: '',
      max_score: 20,
      target: 'first-host',
      tolerance: 0.9,
      ...scored,
    });
  if (inc.hosts.length > 1)
    levels.push({
      type: 'find',
      title: 'Mark every host the attack reached',
      content: 'One host name per line.',
      max_score: 20,
      target: 'attack-hosts',
      tolerance: 0.8,
      ...scored,
    });
  if (inc.users.length > 0)
    levels.push({
      type: 'find',
      title: 'Which accounts did the attacker use?',
      content: 'One user name per line.',
      max_score: 20,
      target: 'attack-users',
      tolerance: 0.8,
      ...scored,
    });
  if (techniques[0])
    levels.push({
      type: 'find',
      title: 'What was the initial technique (ATT&CK id)?',
      content: '',
      max_score: 20,
      target: 'initial-technique',
      tolerance: 0.9,
      ...scored,
    });
  return {
    format: EXERCISE_FORMAT,
    title: `Replay: ${inc.title}`.slice(0, 512),
    description: `Made from closed incident ${inc.id}.`,
    techniques,
    levels,
    scenario: {
      kind: 'records',
      origin: `incident:${inc.id}`,
      records: records.slice(0, MAX_RECORDS).map((r) => ({
        format: r.format,
        source: 'training',
        record: r.record,
        ...(r.label === undefined ? {} : { label: r.label }),
      })),
      truth: {
        ...(first === undefined ? {} : { first_host: first }),
        ...(techniques[0] === undefined ? {} : { initial_technique: techniques[0] }),
        attack_hosts: [...inc.hosts],
        attack_users: [...inc.users],
        techniques,
      },
      names: { hosts: [...inc.hosts], users: [...inc.users] },
    },
    provenance: { source: `incident:${inc.id}`, notes: [] },
  };
}
