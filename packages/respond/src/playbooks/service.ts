/**
 * @module
 * Playbooks as the node keeps them: validated on the way in, secrets moved out of the document
 * into the node's secret file (referenced by `kms_key_identifier`), signatures checked against
 * the keys the node trusts, stored by version (id + modified), signed with the node key on
 * request, and wrapped as STIX for federation under their TLP marking.
 */
import { AppError, requireRole, type AuthContext } from '@intersoc/core';
import type { AuthenticationInfo, Playbook } from '../cacao/types.js';
import { RESPOND_READERS, RESPOND_WRITERS } from '../engine/options.js';
import {
  playbookDigest,
  signPlaybook,
  verifyPlaybook,
  type PlaybookSigner,
  type PlaybookVerification,
  type TrustedKey,
} from '../sign/playbook-signature.js';
import type { RespondStore } from '../store/respond-store.js';
import type { SyncAuditLog } from '../store/sqlite-respond-store.js';
import type { PlaybookBrief, StoredPlaybook } from '../store/types.js';
import type { CacaoSchemaValidator } from '../validate/schemas.js';
import { validatePlaybook, validatePlaybookText, type PlaybookValidation } from '../validate/validate.js';

const SECRET_FIELDS = ['password', 'private_key', 'token', 'client_secret'] as const;

/** What the playbook service needs. */
export interface PlaybookServiceOptions {
  readonly store: RespondStore;
  /** The OASIS schemas, when the node has them. */
  readonly schemas?: CacaoSchemaValidator | undefined;
  /** The node key (absent before `intersoc node init`: signing is then refused). */
  readonly signer?: () => PlaybookSigner;
  /** Keys the node trusts: its own and its peers'. */
  readonly trusted: (tenant: string) => (keyId: string) => TrustedKey | undefined;
  /** Stores extracted secrets for a tenant. */
  readonly putSecrets?: (tenant: string, values: Readonly<Record<string, string>>) => void;
  /** The node's audit log: adding and signing playbooks are audited. */
  readonly audit?: SyncAuditLog;
}

/** The outcome of adding a playbook. */
export interface AddOutcome {
  readonly stored: StoredPlaybook;
  /** False when this version was already stored. */
  readonly added: boolean;
  readonly warnings: readonly string[];
  /** Secrets moved to the node's secret file, by authentication info id. */
  readonly extracted: readonly string[];
}

/** The TLP level of a playbook's markings (`marking-tlp` definitions), lower-case, if any. */
export function playbookTlp(p: Playbook): string | undefined {
  const order = ['clear', 'green', 'amber', 'amber+strict', 'red'];
  let worst: string | undefined;
  for (const m of p.markings ?? []) {
    const def = p.data_marking_definitions?.[m];
    const level =
      typeof def?.['tlpv2_level'] === 'string'
        ? def['tlpv2_level']
        : typeof def?.['tlp'] === 'string'
          ? def['tlp']
          : undefined;
    if (!level) continue;
    const l = level.replace(/^TLP:/i, '').toLowerCase().replace('white', 'clear');
    if (order.includes(l) && (worst === undefined || order.indexOf(l) > order.indexOf(worst))) worst = l;
  }
  return worst;
}

/** Moves inline secrets out of a playbook; returns the new document and the secrets by reference. */
export function extractSecrets(p: Playbook): { playbook: Playbook; secrets: Record<string, string> } {
  const secrets: Record<string, string> = {};
  const defs: Record<string, AuthenticationInfo> = {};
  for (const [id, def] of Object.entries(p.authentication_info_definitions ?? {})) {
    const kept: Record<string, unknown> = { ...def };
    let found: string | undefined;
    for (const f of SECRET_FIELDS) {
      const v = def[f];
      if (typeof v === 'string' && v !== '') {
        found = v;
        delete kept[f];
      }
    }
    if (found !== undefined) {
      secrets[id] = found;
      kept['kms'] = true;
      kept['kms_key_identifier'] = id;
    }
    defs[id] = kept as AuthenticationInfo;
  }
  if (Object.keys(secrets).length === 0) return { playbook: p, secrets };
  return { playbook: { ...p, authentication_info_definitions: defs }, secrets };
}

/** The playbook service. */
export class PlaybookService {
  readonly #o: PlaybookServiceOptions;

  constructor(o: PlaybookServiceOptions) {
    this.#o = o;
  }

  #audit(ctx: AuthContext, action: string, target: string, details: Record<string, unknown>): void {
    this.#o.audit?.appendSync({
      tenant: ctx.tenant,
      actor: ctx.user,
      actorTenant: ctx.tenant,
      action,
      target,
      outcome: 'success',
      details: JSON.parse(JSON.stringify(details)) as Record<string, never>,
    });
  }

  /** Validates playbook text (schemas, structure, semantics). */
  validate(text: string): PlaybookValidation {
    return validatePlaybookText(text, { schemas: this.#o.schemas });
  }

  /**
   * Adds a playbook version. Invalid playbooks, signatures that do not verify, and inline secrets
   * (unless `extractSecrets`) are refused with the reasons.
   */
  add(
    ctx: AuthContext,
    doc: unknown,
    o: { readonly extractSecrets?: boolean; readonly source?: string; readonly requireSignature?: boolean } = {},
  ): AddOutcome {
    requireRole(ctx, RESPOND_WRITERS);
    const v = validatePlaybook(doc, { schemas: this.#o.schemas });
    if (!v.valid || !v.playbook)
      throw new AppError('VALIDATION', `invalid playbook: ${v.errors.join('; ')}`, {
        details: { errors: [...v.errors] },
      });
    let playbook = v.playbook;
    const warnings = v.warnings.filter((w) => !w.includes('a secret inline'));
    const { playbook: clean, secrets } = extractSecrets(playbook);
    const extracted = Object.keys(secrets);
    if (extracted.length > 0) {
      if (!o.extractSecrets || !this.#o.putSecrets) {
        throw new AppError(
          'VALIDATION',
          `the playbook holds secrets inline (${extracted.join(', ')}); add it with secret extraction, or reference them by kms_key_identifier`,
        );
      }
      if ((playbook.signatures ?? []).length > 0) {
        throw new AppError(
          'VALIDATION',
          'a signed playbook holds secrets inline: moving them out would break its signatures; sign it without them',
        );
      }
      this.#o.putSecrets(ctx.tenant, secrets);
      playbook = clean;
    }
    const check = verifyPlaybook(playbook, this.#o.trusted(ctx.tenant));
    const bad = check.signatures.filter((s) => !s.valid && !(s.reason ?? '').includes('does not trust'));
    if (bad.length > 0)
      throw new AppError('VALIDATION', `signature ${bad[0]?.id ?? '?'} does not verify: ${bad[0]?.reason ?? ''}`);
    for (const s of check.signatures.filter((x) => !x.valid)) warnings.push(`signature ${s.id}: ${s.reason ?? ''}`);
    if (o.requireSignature && !check.signatures.some((s) => s.valid)) {
      throw new AppError('VALIDATION', 'the playbook carries no signature by a key this node trusts');
    }
    const signedBy = check.signatures.filter((s) => s.valid && s.keyId).map((s) => s.keyId as string);
    const tlp = playbookTlp(playbook);
    const entry = {
      id: playbook.id,
      version: playbook.modified,
      name: playbook.name,
      digest: playbookDigest(playbook),
      source: o.source ?? 'local',
      ...(tlp ? { tlp } : {}),
      signedBy,
      addedBy: ctx.user,
      addedAt: Date.now(),
      playbook,
    };
    const added = this.#o.store.putPlaybook(ctx, entry);
    this.#audit(ctx, 'respond.playbook.add', playbook.id, {
      version: playbook.modified,
      digest: entry.digest,
      added,
      source: entry.source,
      signedBy,
      extractedSecrets: extracted,
    });
    const stored = this.#o.store.getPlaybook(ctx, playbook.id, playbook.modified);
    if (!stored) throw new AppError('STORAGE', `playbook ${playbook.id} was not stored`);
    return { stored, added, warnings, extracted };
  }

  list(ctx: AuthContext): PlaybookBrief[] {
    requireRole(ctx, RESPOND_READERS);
    return this.#o.store.listPlaybooks(ctx);
  }

  /** One playbook version with its versions and the verdict on its signatures. */
  show(
    ctx: AuthContext,
    id: string,
    version?: string,
  ): {
    stored: StoredPlaybook;
    versions: ReturnType<RespondStore['versions']>;
    verification: PlaybookVerification;
  } {
    requireRole(ctx, RESPOND_READERS);
    const stored = this.#o.store.getPlaybook(ctx, id, version);
    if (!stored) throw new AppError('NOT_FOUND', `no playbook ${id}${version ? ` version ${version}` : ''}`);
    return {
      stored,
      versions: this.#o.store.versions(ctx, id),
      verification: verifyPlaybook(stored.playbook, this.#o.trusted(ctx.tenant)),
    };
  }

  /** Signs a stored version with the node key (same version: a signature is not a change). */
  sign(ctx: AuthContext, id: string, version?: string): StoredPlaybook {
    requireRole(ctx, RESPOND_WRITERS);
    if (!this.#o.signer)
      throw new AppError('CONFIG', 'this node has no identity to sign with: run `intersoc node init`');
    const stored = this.#o.store.getPlaybook(ctx, id, version);
    if (!stored) throw new AppError('NOT_FOUND', `no playbook ${id}${version ? ` version ${version}` : ''}`);
    const signer = this.#o.signer();
    const signed = signPlaybook(stored.playbook, signer);
    const signedBy = [...new Set([...stored.signedBy, signer.keyId])];
    this.#o.store.putPlaybook(ctx, { ...stored, playbook: signed, signedBy });
    this.#audit(ctx, 'respond.playbook.sign', id, {
      version: stored.version,
      digest: stored.digest,
      keyId: signer.keyId,
    });
    const out = this.#o.store.getPlaybook(ctx, id, stored.version);
    if (!out) throw new AppError('STORAGE', `playbook ${id} vanished`);
    return out;
  }

  /** Verifies the signatures of a stored version, or of a document. */
  verify(
    ctx: AuthContext,
    target: { readonly id: string; readonly version?: string } | { readonly doc: Playbook },
  ): PlaybookVerification {
    requireRole(ctx, RESPOND_READERS);
    const p = 'doc' in target ? target.doc : this.show(ctx, target.id, target.version).stored.playbook;
    return verifyPlaybook(p, this.#o.trusted(ctx.tenant));
  }
}
