/**
 * @module
 * The INTERSOC respond extension (CACAO section 7: extensions). CACAO has no words for approval
 * policies, idempotence, retries or time-boxed containment, so a playbook states them in a step
 * extension under our extension definition, the way the specification intends; a playbook
 * without it runs with the node's defaults. At playbook level the extension names the incidents
 * that trigger the playbook.
 */
import { z } from 'zod';
import { APPROVAL_POLICIES } from '../engine/types.js';
import type { Playbook, WorkflowStep } from './types.js';

/** Our extension definition id. */
export const RESPOND_EXTENSION_ID = 'extension-definition--7a1e2f59-5d3b-4c1e-9a6f-3f0c4b2d8e11';

/** The extension definition object a playbook carries in `extension_definitions`. */
export const RESPOND_EXTENSION_DEFINITION = {
  type: 'extension-definition',
  name: 'intersoc-respond',
  description:
    'Execution properties of INTERSOC: approval policy and its time to live, idempotence, retries with backoff, time-boxed containment, the iteration cap of while loops (step level); incident triggers (playbook level).',
  created_by: 'identity--7a1e2f59-5d3b-4c1e-9a6f-3f0c4b2d8e12',
  schema: 'https://intersoc.example/schemas/respond-extension-1.json',
  version: '1.0.0',
} as const;

/** Step-level properties. Durations are milliseconds. */
export const StepExtensionSchema = z
  .object({
    approval: z.enum(APPROVAL_POLICIES).optional(),
    approval_ttl: z
      .number()
      .int()
      .min(1000)
      .max(30 * 86_400_000)
      .optional(),
    idempotent: z.boolean().optional(),
    retries: z.number().int().min(0).max(10).optional(),
    backoff: z.number().int().min(1).max(3_600_000).optional(),
    timebox: z
      .number()
      .int()
      .min(1000)
      .max(90 * 86_400_000)
      .optional(),
    max_iterations: z.number().int().min(1).max(100_000).optional(),
  })
  .strict();
/** Step-level properties. */
export type StepExtension = z.infer<typeof StepExtensionSchema>;

/** Playbook-level properties: which incidents start the playbook. */
export const PlaybookExtensionSchema = z
  .object({
    triggers: z
      .object({
        rsit: z.array(z.string().max(128)).max(64).optional(),
        techniques: z
          .array(z.string().regex(/^T\d{4}(\.\d{3})?$/))
          .max(256)
          .optional(),
        min_severity: z.enum(['informational', 'low', 'medium', 'high', 'critical']).optional(),
        on_case: z.boolean().optional(),
        /** Case tags, any of which starts the playbook (with `on_case`). */
        tags: z.array(z.string().min(1).max(128)).max(64).optional(),
      })
      .strict()
      .optional(),
    approval: z.enum(APPROVAL_POLICIES).optional(),
  })
  .strict();
/** Playbook-level properties. */
export type PlaybookExtension = z.infer<typeof PlaybookExtensionSchema>;

/**
 * Parsed extensions of frozen steps and playbooks (the store hands out frozen playbooks shared by
 * every run of a version): the engine asks for them at every step, and a frozen object cannot
 * change under its cached reading.
 */
const parsed = new WeakMap<object, Readonly<StepExtension | PlaybookExtension>>();

function cachedParse<T extends object>(owner: object, parse: () => T): T {
  const hit = parsed.get(owner);
  if (hit) return hit as T;
  const v = parse();
  if (Object.isFrozen(owner)) parsed.set(owner, Object.freeze(v));
  return v;
}

/** The step's extension properties; problems are reported by validation, here they fall back to none. */
export function stepExtension(step: WorkflowStep): StepExtension {
  return cachedParse(step, () => {
    const raw = step.step_extensions?.[RESPOND_EXTENSION_ID];
    const r = StepExtensionSchema.safeParse(raw ?? {});
    return r.success ? r.data : {};
  });
}

/** The playbook's extension properties. */
export function playbookExtension(p: Playbook): PlaybookExtension {
  return cachedParse(p, () => {
    const raw = p.playbook_extensions?.[RESPOND_EXTENSION_ID];
    const r = PlaybookExtensionSchema.safeParse(raw ?? {});
    return r.success ? r.data : {};
  });
}

/** Problems with our extension's properties in a playbook, as `<pointer>: <message>`. */
export function extensionProblems(doc: Readonly<Record<string, unknown>>): string[] {
  const out: string[] = [];
  const ext = (doc['playbook_extensions'] as Record<string, unknown> | undefined)?.[RESPOND_EXTENSION_ID];
  if (ext !== undefined) {
    const r = PlaybookExtensionSchema.safeParse(ext);
    if (!r.success)
      out.push(
        `/playbook_extensions/${RESPOND_EXTENSION_ID}: ${r.error.issues.map((i) => `${i.path.join('.')} ${i.message}`).join('; ')}`,
      );
  }
  const wf = doc['workflow'];
  if (wf && typeof wf === 'object') {
    for (const [id, step] of Object.entries(wf as Record<string, unknown>)) {
      const e = (step as { step_extensions?: Record<string, unknown> } | null)?.step_extensions?.[RESPOND_EXTENSION_ID];
      if (e === undefined) continue;
      const r = StepExtensionSchema.safeParse(e);
      if (!r.success) {
        out.push(
          `/workflow/${id}/step_extensions/${RESPOND_EXTENSION_ID}: ${r.error.issues.map((i) => `${i.path.join('.') || '(root)'} ${i.message}`).join('; ')}`,
        );
      }
    }
  }
  const uses = JSON.stringify(doc).includes(RESPOND_EXTENSION_ID);
  const defs = doc['extension_definitions'] as Record<string, unknown> | undefined;
  if (uses && defs?.[RESPOND_EXTENSION_ID] === undefined) {
    out.push(`/extension_definitions: uses ${RESPOND_EXTENSION_ID} without defining it`);
  }
  return out;
}
