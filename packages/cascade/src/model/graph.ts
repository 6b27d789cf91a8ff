/**
 * @module
 * `DependencyGraph`: the dependency model on a graphology `DirectedGraph`. Each edge goes from
 * the dependent to its supplier (the CSV's `source,target`). Entities named only by a
 * dependency are created with defaults. Duplicate dependencies merge (the last one's attributes
 * win), self-dependencies are kept (a node that depends on itself counts itself as a supplier).
 */
import { DirectedGraph } from 'graphology';
import { AppError } from '@intersoc/core';
import { MAX_DEPENDENCIES, MAX_ENTITIES } from './schema.js';
import type { Dependency, Entity, GraphData } from './types.js';

/** Edge attributes (the dependency without its endpoints). */
export type DependencyAttributes = Omit<Dependency, 'source' | 'target'>;

/** An entity with defaults for an id only a dependency names. */
export function defaultEntity(id: string): Entity {
  return { id, kind: 'asset', minInputs: 1, buffers: {} };
}

/** The dependency model of one graph. */
export class DependencyGraph {
  readonly g = new DirectedGraph<Entity, DependencyAttributes>({ allowSelfLoops: true });

  /** Builds a graph from plain data; entities first, then dependencies. */
  static from(data: GraphData): DependencyGraph {
    const graph = new DependencyGraph();
    for (const e of data.entities) graph.putEntity(e);
    for (const d of data.dependencies) graph.putDependency(d);
    return graph;
  }

  get entityCount(): number {
    return this.g.order;
  }

  get dependencyCount(): number {
    return this.g.size;
  }

  /** Adds or replaces an entity (its dependencies stay). */
  putEntity(e: Entity): void {
    if (!this.g.hasNode(e.id) && this.g.order >= MAX_ENTITIES)
      throw new AppError('PAYLOAD_TOO_LARGE', `a graph holds at most ${MAX_ENTITIES} entities`);
    this.g.mergeNode(e.id);
    this.g.replaceNodeAttributes(e.id, e);
  }

  /** Adds or replaces the dependency of `source` on `target`. */
  putDependency(d: Dependency): void {
    if (!this.g.hasNode(d.source)) this.putEntity(defaultEntity(d.source));
    if (!this.g.hasNode(d.target)) this.putEntity(defaultEntity(d.target));
    const { source, target, ...attrs } = d;
    const existing = this.g.edge(source, target);
    if (existing !== undefined) {
      this.g.replaceEdgeAttributes(existing, attrs);
      return;
    }
    if (this.g.size >= MAX_DEPENDENCIES)
      throw new AppError('PAYLOAD_TOO_LARGE', `a graph holds at most ${MAX_DEPENDENCIES} dependencies`);
    this.g.addDirectedEdge(source, target, attrs);
  }

  hasEntity(id: string): boolean {
    return this.g.hasNode(id);
  }

  entity(id: string): Entity | undefined {
    return this.g.hasNode(id) ? this.g.getNodeAttributes(id) : undefined;
  }

  entities(): Entity[] {
    return this.g.mapNodes((_id, a) => a);
  }

  dependencies(): Dependency[] {
    return this.g.mapEdges((_e, a, source, target) => ({ source, target, ...a }));
  }

  /** Suppliers of an entity (what it depends on). */
  suppliers(id: string): string[] {
    return this.g.hasNode(id) ? this.g.outNeighbors(id) : [];
  }

  /** Dependents of an entity (what depends on it). */
  dependents(id: string): string[] {
    return this.g.hasNode(id) ? this.g.inNeighbors(id) : [];
  }

  /** The organisation an entity belongs to: itself for an organisation, else its `org`. */
  orgOf(id: string): string | undefined {
    const e = this.entity(id);
    if (!e) return undefined;
    return e.kind === 'organisation' ? e.id : e.org;
  }

  /** Plain data of the whole graph. */
  toData(): GraphData {
    return { entities: this.entities(), dependencies: this.dependencies() };
  }
}
