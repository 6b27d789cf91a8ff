import { describe, expect, it } from 'vitest';
import { loadPyCases, PyError } from './py-run.js';

// A module in the shape of the reference suite, written here: the interpreter must turn it
// into the same cases pytest would collect.
const MODULE = `
import pytest
from x import match, MatcherException

_data = [{"name": u"caf\\u00e9", "n": 2, "ok": True, "none": None}]
_more = []
for i in range(3):
    _more.append({"i": i % 2})


def _pairs():
    for k in _data[0]:
        if k != "none":
            yield k, _data[0][k]


@pytest.mark.parametrize("pattern", [
    "a" "b",  # implicit concatenation
    "[{}]".format(1),
    " OR ".join("x" for _ in range(2)),
])
def test_strings(pattern):
    assert match(pattern, _data)


@pytest.mark.parametrize("k,v", [p for p in _pairs()])
def test_pairs(k, v):
    assert match(u"{}={}".format(k, v), _data, stix_version='2.1')


@pytest.mark.parametrize("pattern", ["bad"])
def test_raises(pattern):
    with pytest.raises(MatcherException):
        match(pattern, _more)
`;

describe('loadPyCases', () => {
  it('collects parametrised cases and runs their bodies with the given builtins', () => {
    const calls: unknown[][] = [];
    const match = {
      kind: 'fn',
      call: (a: unknown[], k: Record<string, unknown>) => {
        calls.push([...a, k['stix_version'] ?? null]);
        if (a[0] === 'bad') throw new PyError('MatcherException', 'bad pattern');
        return [1];
      },
    };
    const cases = loadPyCases(MODULE, { match, MatcherException: 'MatcherException' });
    expect(cases.map((c) => [c.name, c.params])).toEqual([
      ['test_strings', ['ab']],
      ['test_strings', ['[1]']],
      ['test_strings', ['x OR x']],
      ['test_pairs', ['name', 'café']],
      ['test_pairs', ['n', 2]],
      ['test_pairs', ['ok', true]],
      ['test_raises', ['bad']],
    ]);
    for (const c of cases) c.run();
    expect(calls.map((c) => c[0])).toEqual(['ab', '[1]', 'x OR x', 'name=café', 'n=2', 'ok=True', 'bad']);
    expect(calls[3]?.[2]).toBe('2.1');
    expect(calls[6]?.[1]).toEqual([{ i: 0 }, { i: 1 }, { i: 0 }]);
  });
  it('fails a case whose assertion does not hold, or whose expected error is not raised', () => {
    const never = { kind: 'fn', call: () => [] };
    const cases = loadPyCases(MODULE, { match: never, MatcherException: 'MatcherException' });
    expect(() => cases[0]?.run()).toThrow(/AssertionError/);
    expect(() => cases[6]?.run()).toThrow(/DID NOT RAISE MatcherException/);
  });
});
