/**
 * @module
 * Types for reference implementations used by tests.
 */
import type { DirectedGraph } from 'graphology';

/** graphology-metrics' betweenness as it is at run time. */
export type IBetweennessCentralityLike = (g: DirectedGraph, o: { normalized: boolean }) => Record<string, number>;
