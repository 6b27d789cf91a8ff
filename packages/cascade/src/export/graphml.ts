/**
 * @module
 * GraphML out: a directed graph whose edges go from the dependent to its supplier, with the
 * entity and dependency fields as typed data keys (the same names the importer reads, so a
 * graph round-trips).
 */
import { DEPENDENCY_TYPES, type GraphData } from '../model/types.js';

function esc(s: string): string {
  return s.replace(
    /[<>&"']/g,
    (c) => ({ '<': '&lt;', '>': '&gt;', '&': '&amp;', '"': '&quot;', "'": '&apos;' })[c] as string,
  );
}

const NODE_KEYS: readonly [string, 'string' | 'int' | 'double'][] = [
  ['kind', 'string'],
  ['name', 'string'],
  ['sector', 'string'],
  ['org', 'string'],
  ['location', 'string'],
  ['min_inputs', 'int'],
  ...DEPENDENCY_TYPES.map((t) => [`buffer_${t}_hours`, 'double'] as [string, 'double']),
  ['asset', 'string'],
  ['peer', 'string'],
  ['lat', 'double'],
  ['lon', 'double'],
];
const EDGE_KEYS: readonly [string, 'string' | 'double'][] = [
  ['type', 'string'],
  ['strength', 'double'],
  ['tti_hours', 'double'],
  ['recovery_hours', 'double'],
];

/** The graph as GraphML text. */
export function toGraphml(data: GraphData, name = 'dependencies'): string {
  const out: string[] = [
    '<?xml version="1.0" encoding="UTF-8"?>',
    '<graphml xmlns="http://graphml.graphdrawing.org/xmlns">',
  ];
  NODE_KEYS.forEach(([k, t], i) => out.push(`  <key id="n${i}" for="node" attr.name="${k}" attr.type="${t}"/>`));
  EDGE_KEYS.forEach(([k, t], i) => out.push(`  <key id="e${i}" for="edge" attr.name="${k}" attr.type="${t}"/>`));
  out.push(`  <graph id="${esc(name)}" edgedefault="directed">`);
  for (const e of data.entities) {
    const values: Record<string, string | number | undefined> = {
      kind: e.kind,
      name: e.name,
      sector: e.sector,
      org: e.org,
      location: e.location,
      min_inputs: e.minInputs,
      asset: e.asset,
      peer: e.peer,
      lat: e.lat,
      lon: e.lon,
    };
    for (const t of DEPENDENCY_TYPES) values[`buffer_${t}_hours`] = e.buffers[t];
    out.push(`    <node id="${esc(e.id)}">`);
    NODE_KEYS.forEach(([k], i) => {
      const v = values[k];
      if (v !== undefined) out.push(`      <data key="n${i}">${esc(String(v))}</data>`);
    });
    out.push('    </node>');
  }
  for (const d of data.dependencies) {
    out.push(`    <edge source="${esc(d.source)}" target="${esc(d.target)}">`);
    const values = [d.type, d.strength, d.ttiHours, d.recoveryHours];
    values.forEach((v, i) => out.push(`      <data key="e${i}">${esc(String(v))}</data>`));
    out.push('    </edge>');
  }
  out.push('  </graph>', '</graphml>', '');
  return out.join('\n');
}
