/**
 * @module
 * The record-keeping part of the case service: comments, attachments (hashed with SHA-256 and MD5,
 * size-limited, with a name safe for download headers), analysts' notes pinned to the timeline,
 * the timeline itself and the case history. Everything here adds to the record of a case and
 * leaves its workflow alone.
 */
import { createHash } from 'node:crypto';
import path from 'node:path';
import { AppError, requireRole, type AuthContext } from '@intersoc/core';
import { WORK_ROLES, type Incident } from '@intersoc/correlate';
import { caseTimeline } from '../timeline/timeline.js';
import { shortId, type CaseCore } from './case-core.js';
import type { Case, CaseAttachment, CaseComment, CaseHistoryEntry, CaseNote, CaseTimelineEntry } from './types.js';

/** A file to attach to a case. */
export interface AttachmentInput {
  readonly name: string;
  readonly contentType?: string;
  readonly data: Buffer;
}

/** An analyst's note at a moment of the timeline, optionally about an alert or event. */
export interface NoteInput {
  readonly time: number;
  readonly text: string;
  readonly ref?: string;
}

/** Comments, attachments, notes, timeline and history of cases. */
export class CaseRecords {
  constructor(
    private readonly core: CaseCore,
    private readonly maxAttachment: number,
    private readonly incidentsOf: (ctx: AuthContext, c: Case) => Incident[],
  ) {}

  /** The case's comments. */
  comments(ctx: AuthContext, id: string): CaseComment[] {
    this.core.require(ctx, id);
    return this.core.store.parts(ctx, id, 'comment');
  }

  /** Adds a comment by the caller. */
  addComment(ctx: AuthContext, id: string, text: string): CaseComment {
    requireRole(ctx, WORK_ROLES);
    this.core.require(ctx, id);
    if (text.trim() === '') throw new AppError('VALIDATION', 'comment is empty');
    const c: CaseComment = { id: shortId(), caseId: id, author: ctx.user, text, created: this.core.now() };
    this.core.store.putPart(ctx, id, 'comment', c.id, c);
    this.core.history(ctx, id, 'comment.add', { ref: c.id, text: text.slice(0, 200) });
    return c;
  }

  /** What is attached to the case (without the data). */
  attachments(ctx: AuthContext, id: string): CaseAttachment[] {
    this.core.require(ctx, id);
    return this.core.store.attachments(ctx, id);
  }

  /** Stores a file with the case, hashed (SHA-256, MD5) and size-limited. */
  addAttachment(ctx: AuthContext, id: string, a: AttachmentInput): CaseAttachment {
    requireRole(ctx, WORK_ROLES);
    this.core.require(ctx, id);
    if (a.data.length > this.maxAttachment) {
      throw new AppError('PAYLOAD_TOO_LARGE', `attachment of ${a.data.length} bytes exceeds ${this.maxAttachment}`);
    }
    // Only the base name, without control characters: names end up in download headers.
    const name =
      path
        .basename(a.name.replaceAll('\\', '/'))
        .replace(/[\u0000-\u001f\u007f"]/g, '_')
        .slice(0, 255) || 'attachment';
    const meta: CaseAttachment = {
      id: shortId(),
      caseId: id,
      name,
      contentType: a.contentType ?? 'application/octet-stream',
      size: a.data.length,
      sha256: createHash('sha256').update(a.data).digest('hex'),
      md5: createHash('md5').update(a.data).digest('hex'),
      author: ctx.user,
      created: this.core.now(),
    };
    this.core.store.putAttachment(ctx, meta, a.data);
    this.core.history(ctx, id, 'attachment.add', { name, sha256: meta.sha256, size: meta.size, ref: meta.id });
    return meta;
  }

  /** An attachment with its data, or NOT_FOUND. */
  attachment(ctx: AuthContext, id: string, attId: string): { meta: CaseAttachment; data: Buffer } {
    this.core.require(ctx, id);
    const a = this.core.store.attachment(ctx, id, attId);
    if (!a) throw new AppError('NOT_FOUND', `no attachment ${attId}`);
    return a;
  }

  /** Pins an analyst's note to a moment of the timeline (optionally to an alert or event). */
  annotate(ctx: AuthContext, id: string, n: NoteInput): CaseNote {
    requireRole(ctx, WORK_ROLES);
    this.core.require(ctx, id);
    if (n.text.trim() === '') throw new AppError('VALIDATION', 'note is empty');
    const note: CaseNote = {
      id: shortId(),
      caseId: id,
      time: n.time,
      text: n.text,
      ...(n.ref === undefined ? {} : { ref: n.ref }),
      author: ctx.user,
      created: this.core.now(),
    };
    this.core.store.putPart(ctx, id, 'note', note.id, note);
    return note;
  }

  /** Removes a note from the timeline. */
  removeNote(ctx: AuthContext, id: string, noteId: string): void {
    requireRole(ctx, WORK_ROLES);
    this.core.require(ctx, id);
    if (!this.core.store.deletePart(ctx, id, 'note', noteId)) throw new AppError('NOT_FOUND', `no note ${noteId}`);
  }

  /** The case's timeline, built from its incidents, its history and the analysts' notes. */
  timeline(ctx: AuthContext, id: string): CaseTimelineEntry[] {
    const c = this.core.require(ctx, id);
    return caseTimeline(
      this.incidentsOf(ctx, c),
      this.core.store.history(ctx, id),
      this.core.store.parts(ctx, id, 'note'),
    );
  }

  /** The case's history: every change made to it. */
  historyOf(ctx: AuthContext, id: string): CaseHistoryEntry[] {
    this.core.require(ctx, id);
    return this.core.store.history(ctx, id);
  }

  /** Records a history entry on behalf of another part of the node (NIS2 submissions, warnings). */
  note(ctx: AuthContext, id: string, action: string, detail: Record<string, unknown>): void {
    requireRole(ctx, WORK_ROLES);
    this.core.require(ctx, id);
    this.core.history(ctx, id, action, detail);
  }

  /** Replaces the stored case (for the NIS2 module's submission stamps). */
  save(ctx: AuthContext, c: Case): void {
    requireRole(ctx, WORK_ROLES);
    this.core.store.put(ctx, { ...c, updated: this.core.now() });
  }
}
