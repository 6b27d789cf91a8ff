import { describe, expect, it } from 'vitest';
import { layout, runInputs, statusColour } from './playbooks';

describe('playbook view helpers', () => {
  it('lays a workflow out in layers by longest path; a loop back does not push steps down forever', () => {
    const edges = [
      { from: 's', to: 'p', via: 'on_completion' },
      { from: 'p', to: 'a', via: 'next_steps/0' },
      { from: 'p', to: 'b', via: 'next_steps/1' },
      { from: 'a', to: 'w', via: 'on_completion' },
      { from: 'b', to: 'c', via: 'on_completion' },
      { from: 'c', to: 'w', via: 'on_completion' },
      { from: 'w', to: 'x', via: 'on_true' },
      { from: 'x', to: 'w', via: 'on_completion' },
      { from: 'w', to: 'e', via: 'on_completion' },
    ];
    const placed = new Map(
      layout('s', ['s', 'p', 'a', 'b', 'c', 'w', 'x', 'e', 'lost'], edges, 100, 10).map((p) => [p.id, p]),
    );
    expect(placed.get('s')?.y).toBe(0);
    expect(placed.get('a')?.y).toBe(20);
    expect(placed.get('b')?.y).toBe(20);
    expect(placed.get('w')?.y).toBe(40);
    expect(placed.get('x')?.y).toBe(50);
    expect(placed.get('e')?.y).toBe(50);
    // Same layer: spread around the middle.
    expect([placed.get('a')?.x, placed.get('b')?.x]).toEqual([-50, 50]);
    // An unreachable step still gets a place.
    expect(placed.get('lost')?.y).toBeGreaterThan(50);
  });

  it('colours statuses and picks the variables a run asks for', () => {
    expect(statusColour('failed')).toBe('--danger');
    expect(statusColour(undefined)).toBe('--fg-muted');
    expect(runInputs({ __a__: { type: 'string', value: 'x', external: true }, __b__: { type: 'string' } })).toEqual([
      { name: '__a__', type: 'string', value: 'x' },
    ]);
    expect(runInputs({ __k__: { type: 'string', value: '1', constant: true }, __b__: { type: 'string' } })).toEqual([
      { name: '__b__', type: 'string', value: '' },
    ]);
  });
});
