/**
 * Validation of every CACAO playbook in the shared corpora against what the corpus states
 * (`tools/validation-results.txt`: the verdicts of the upstream schemas as published and with the
 * command-data patch), plus our semantic checks on the negatives, each of which must be rejected
 * with a reason that names its defect.
 */
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { CACAO_DIR, CACAO_SCHEMAS } from '../internal/corpus.js';
import { loadCacaoSchemas } from './schemas.js';
import { validatePlaybookText } from './validate.js';

const present = existsSync(CACAO_SCHEMAS);

interface Stated {
  readonly valid: boolean;
  /** The messages the corpus tools printed (complete ones only; lines are cut at 250 characters). */
  readonly messages: readonly string[];
}

/** Parses the corpus's validation results into {strict, patched} verdicts per file name. */
function statedResults(): { strict: Map<string, Stated>; patched: Map<string, Stated> } {
  const text = readFileSync(path.join(CACAO_DIR, 'tools', 'validation-results.txt'), 'utf8');
  const strict = new Map<string, Stated>();
  const patched = new Map<string, Stated>();
  let into = strict;
  for (const line of text.split('\n')) {
    if (line.startsWith('## strict') || line.startsWith('strict:')) into = strict;
    else if (line.startsWith('## patched') || line.startsWith('patched:')) into = patched;
    const m = /^(VALID|INVALID)\s+(\S+)\s*(.*)$/.exec(line);
    if (!m) continue;
    const messages = [...(m[3] ?? '').matchAll(/"((?:[^"\\]|\\.)*)"(?=[,\]])/g)].map(
      (x) => JSON.parse(`"${x[1]}"`) as string,
    );
    into.set(path.basename(m[2] as string), { valid: m[1] === 'VALID', messages });
  }
  return { strict, patched };
}

function corpusFiles(): string[] {
  const out: string[] = [];
  for (const d of ['soarca', 'authored', 'misc']) {
    const dir = path.join(CACAO_DIR, 'examples', d);
    for (const f of readdirSync(dir)
      .filter((x) => x.endsWith('.json'))
      .sort())
      out.push(path.join(dir, f));
  }
  return out;
}

const UUID = /[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}/g;
const norm = (s: string): string => s.replace(UUID, '<uuid>');

describe.skipIf(!present)('CACAO corpus playbooks', { tags: ['corpus'] }, () => {
  it('the schemas give the verdicts the corpus states, as published and patched', () => {
    const stated = statedResults();
    const files = corpusFiles();
    expect(files.length).toBe(16);
    for (const [variant, schemas] of [
      ['strict', loadCacaoSchemas(CACAO_SCHEMAS, { patchDefect: false })],
      ['patched', loadCacaoSchemas(CACAO_SCHEMAS)],
    ] as const) {
      for (const f of files) {
        const want = stated[variant].get(path.basename(f));
        expect(want, `${variant} ${f} is in the corpus results`).toBeDefined();
        const errors = schemas.validate(JSON.parse(readFileSync(f, 'utf8'))).map(norm);
        expect(errors.length === 0, `${variant} ${path.basename(f)}: ${errors.join('; ')}`).toBe(want?.valid);
        // Every message the corpus printed is one of ours (ours add the offending property).
        for (const m of want?.messages ?? []) {
          expect(
            errors.some((e) => e.startsWith(norm(m))),
            `${variant} ${path.basename(f)} says ${m}`,
          ).toBe(true);
        }
      }
    }
  });

  it('the published schemas reject every real command: the defect the patch removes', () => {
    const strict = loadCacaoSchemas(CACAO_SCHEMAS, { patchDefect: false });
    const authored = readFileSync(path.join(CACAO_DIR, 'examples', 'authored', 'minimal-manual-approval.json'), 'utf8');
    const errors = strict.validate(JSON.parse(authored));
    expect(errors.some((e) => /commands\/0 must NOT have unevaluated properties \(command\)/.test(e))).toBe(true);
  });

  it('the patched schemas still check each command against its own type', () => {
    const schemas = loadCacaoSchemas(CACAO_SCHEMAS);
    const doc = JSON.parse(
      readFileSync(path.join(CACAO_DIR, 'examples', 'authored', 'minimal-manual-approval.json'), 'utf8'),
    ) as { workflow: Record<string, { commands?: Record<string, unknown>[] }> };
    const action = Object.values(doc.workflow).find((s) => s.commands?.[0]?.['type'] === 'http-api');
    (action?.commands?.[0] as Record<string, unknown>)['bogus'] = 1;
    expect(schemas.validate(doc).some((e) => e.includes('unevaluated properties (bogus)'))).toBe(true);
    const sigma = { type: 'sigma', command: 'no base64 here' };
    (action?.commands as unknown[])[0] = sigma;
    expect(schemas.validate(doc).some((e) => e.includes("required property 'command_b64'"))).toBe(true);
  });

  it('the authored playbook is valid, and every SOARCA playbook is rejected with its reasons', () => {
    const schemas = loadCacaoSchemas(CACAO_SCHEMAS);
    const verdict = (dir: string, f: string) =>
      validatePlaybookText(readFileSync(path.join(CACAO_DIR, 'examples', dir, f), 'utf8'), { schemas });
    const authored = verdict('authored', 'minimal-manual-approval.json');
    expect(authored.errors).toEqual([]);
    expect(authored.valid).toBe(true);
    for (const f of readdirSync(path.join(CACAO_DIR, 'examples', 'soarca'))) {
      expect(verdict('soarca', f).valid, f).toBe(false);
    }
    expect(verdict('misc', 'cisa-vulnerability-response-bpmn-mapping.json').valid).toBe(false);
  });

  it('names the defect of each negative: infinite, missing step, invalid agent type, invalid e-mail', () => {
    const schemas = loadCacaoSchemas(CACAO_SCHEMAS);
    const errors = (f: string, withSchemas: boolean) =>
      validatePlaybookText(readFileSync(path.join(CACAO_DIR, 'examples', 'soarca', f), 'utf8'), {
        schemas: withSchemas ? schemas : undefined,
      }).errors;
    // With and without the schemas: the semantic checks find these on their own.
    for (const withSchemas of [true, false]) {
      expect(errors('test_playbooks_infinite_playbook.json', withSchemas)).toContain(
        '/workflow/action--6b23c237-ade8-4d00-9aa1-75999738d557: cycle without a while-condition: action--6b23c237-ade8-4d00-9aa1-75999738d557 -> action--6b23c237-ade8-4d00-9aa1-75999738d557',
      );
      expect(errors('test_playbooks_missing_step_playbook.json', withSchemas)).toContain(
        '/workflow/action--2190f685-1857-44ac-ad0e-0ded6c6ef3ce/on_completion: names end--6b23c237-ade8-4d00-9aa1-75999738d558, which is not a step of this workflow (missing step)',
      );
      expect(
        errors('test_playbooks_invalid_email_playbook.json', withSchemas).some((e) =>
          e.endsWith('"banana@business.com;`shh hack`" is not an e-mail address'),
        ),
      ).toBe(true);
    }
    expect(errors('test_playbooks_invalid_playbook.json', true)).toContain(
      '/agent_definitions/http-api--7e9174ec-a293-43df-a72d-471c79e276bf/type must be equal to one of the allowed values: "http-api"',
    );
    // The positive SOARCA test playbook has none of these defects (its workflow_exception names no step, though).
    const positive = errors('test_playbooks_playbook.json', true).join('\n');
    expect(positive).not.toMatch(/cycle|on_completion: .*missing step|e-mail/);
    expect(positive).toMatch(/workflow_exception: names end--40131926-89e9-44df-a018-5f92f2df7914, .*missing step/);
  });
});
