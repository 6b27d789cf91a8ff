/**
 * @module
 * Federation routes under `/api/federation/`: the node's identity and card, peers (add from a
 * card, list, grade, revoke, remove), sharing with TLP / distribution / sharing groups / named
 * recipients, sync now, quarantine review, feedback on indicators, private lookups, sightings
 * returned by peers, and the rejection and decision journals. Every mutating route is audited;
 * the federation itself audits each decision it takes.
 */
import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import { AppError } from '@intersoc/core';
import { noteAudit, scopeFor } from '../access/request-state.js';
import { READERS, TenantParam, WRITERS } from '../dashboard/common.js';
import { ERROR_RESPONSES, type ApiApp } from '../internal/app-types.js';
import type { FederationService } from '../services.js';
import {
  AddPeerSchema,
  DecisionSchema,
  GroupSchema,
  LandedSchema,
  LookupAnswerSchema,
  LookupSchema,
  NameParam,
  NodeIdParam,
  NodeSchema,
  PeerSchema,
  ProvenanceSchema,
  QuarantinedSchema,
  RejectionSchema,
  ShareResultSchema,
  ShareSchema,
  StixIdParam,
  SyncResultSchema,
} from './schemas.js';

const ADMINS = ['admin'] as const;
const tags = ['federation'];
const Query = z.object(TenantParam);
const list = <T extends z.ZodType>(item: T) => z.object({ items: z.array(item).readonly() });

/**
 * Registers the federation routes on a built API (after `buildApi`, before `listen`).
 *
 * @example
 * registerFederationRoutes(app, { federation: service });
 */
export function registerFederationRoutes(
  fastify: FastifyInstance,
  deps: { readonly federation: FederationService },
): void {
  const app = fastify as unknown as ApiApp;
  const fed = deps.federation;

  app.get(
    '/api/federation/node',
    {
      config: { access: READERS },
      schema: {
        tags,
        summary: 'This node: identity and peer card',
        querystring: Query,
        response: { 200: NodeSchema, ...ERROR_RESPONSES },
      },
    },
    async (req) => fed.node(scopeFor(req, req.query.tenant)),
  );

  app.get(
    '/api/federation/peers',
    {
      config: { access: READERS },
      schema: {
        tags,
        summary: 'Peers and their trust',
        querystring: Query,
        response: { 200: list(PeerSchema), ...ERROR_RESPONSES },
      },
    },
    async (req) => ({ items: await fed.peers(scopeFor(req, req.query.tenant)) }),
  );

  app.post(
    '/api/federation/peers',
    {
      config: { access: ADMINS, audit: 'federation.peer.add' },
      schema: {
        tags,
        summary: 'Add a peer from its card',
        description:
          'The card (public key, node id, endpoint) must come out of band; its node id must be its key fingerprint.',
        querystring: Query,
        body: AddPeerSchema,
        response: { 200: PeerSchema, ...ERROR_RESPONSES },
      },
    },
    async (req) => {
      const { card, ...o } = req.body;
      const p = await fed.addPeer(scopeFor(req, req.query.tenant), card, {
        ...(o.reliability ? { reliability: o.reliability } : {}),
        ...(o.communities ? { communities: o.communities } : {}),
        ...(o.endpoint ? { endpoint: o.endpoint } : {}),
      });
      noteAudit(req, { target: p.nodeId, details: { name: p.name, reliability: p.reliability } });
      return p;
    },
  );

  app.delete(
    '/api/federation/peers/:id',
    {
      config: { access: ADMINS, audit: 'federation.peer.remove' },
      schema: {
        tags,
        summary: 'Remove a peer',
        params: z.object({ id: NodeIdParam }),
        querystring: Query,
        response: { 200: z.object({ removed: z.boolean() }), ...ERROR_RESPONSES },
      },
    },
    async (req) => {
      noteAudit(req, { target: req.params.id });
      const removed = await fed.removePeer(scopeFor(req, req.query.tenant), req.params.id);
      if (!removed) throw new AppError('NOT_FOUND', `no peer ${req.params.id}`);
      return { removed };
    },
  );

  app.post(
    '/api/federation/peers/:id/revoke',
    {
      config: { access: ADMINS, audit: 'federation.peer.revoke' },
      schema: {
        tags,
        summary: "Revoke a peer's key (at once, for everything received later)",
        params: z.object({ id: NodeIdParam }),
        querystring: Query,
        response: { 200: PeerSchema, ...ERROR_RESPONSES },
      },
    },
    async (req) => {
      noteAudit(req, { target: req.params.id });
      return fed.revokePeer(scopeFor(req, req.query.tenant), req.params.id);
    },
  );

  app.put(
    '/api/federation/peers/:id/trust',
    {
      config: { access: ADMINS, audit: 'federation.peer.trust' },
      schema: {
        tags,
        summary: "Set a peer's admiralty reliability (A–F)",
        params: z.object({ id: NodeIdParam }),
        querystring: Query,
        body: z.object({ reliability: z.enum(['A', 'B', 'C', 'D', 'E', 'F']) }),
        response: { 200: PeerSchema, ...ERROR_RESPONSES },
      },
    },
    async (req) => {
      noteAudit(req, { target: req.params.id, details: { reliability: req.body.reliability } });
      return fed.setReliability(scopeFor(req, req.query.tenant), req.params.id, req.body.reliability);
    },
  );

  app.post(
    '/api/federation/share',
    {
      config: { access: WRITERS, audit: 'federation.share' },
      schema: {
        tags,
        summary: 'Share objects under TLP, distribution, sharing group and named recipients',
        description: 'The policy is applied per object and peer on this node; each decision is journalled.',
        querystring: Query,
        body: ShareSchema,
        response: { 200: ShareResultSchema, ...ERROR_RESPONSES },
      },
    },
    async (req) => {
      const b = req.body;
      const r = await fed.share(scopeFor(req, req.query.tenant), {
        ...(b.ids ? { ids: b.ids } : {}),
        ...(b.types ? { types: b.types } : {}),
        ...(b.distribution ? { distribution: b.distribution } : {}),
        ...(b.tlp ? { tlp: b.tlp } : {}),
        ...(b.recipients ? { recipients: b.recipients } : {}),
        ...(b.group ? { group: b.group } : {}),
        ...(b.pap ? { pap: b.pap } : {}),
        ...(b.explicit === undefined ? {} : { explicit: b.explicit }),
      });
      noteAudit(req, { target: r.run, details: { objects: r.objects, denied: r.denied, withheld: r.withheld.length } });
      return r;
    },
  );

  app.post(
    '/api/federation/sync',
    {
      config: { access: ADMINS, audit: 'federation.sync' },
      schema: {
        tags,
        summary: 'Sync with every peer now',
        querystring: Query,
        response: { 200: list(SyncResultSchema), ...ERROR_RESPONSES },
      },
    },
    async (req) => ({ items: await fed.sync(scopeFor(req, req.query.tenant)) }),
  );

  app.get(
    '/api/federation/quarantine',
    {
      config: { access: READERS },
      schema: {
        tags,
        summary: 'Received intelligence waiting for review',
        querystring: Query,
        response: { 200: list(QuarantinedSchema), ...ERROR_RESPONSES },
      },
    },
    async (req) => ({ items: await fed.quarantine(scopeFor(req, req.query.tenant)) }),
  );

  app.post(
    '/api/federation/quarantine/:id',
    {
      config: { access: WRITERS, audit: 'federation.quarantine.review' },
      schema: {
        tags,
        summary: 'Release a quarantined object into detection, or reject it',
        params: z.object({ id: StixIdParam }),
        querystring: Query,
        body: z.object({ decision: z.enum(['released', 'rejected']) }),
        response: { 200: z.object({ ok: z.literal(true) }), ...ERROR_RESPONSES },
      },
    },
    async (req) => {
      noteAudit(req, { target: req.params.id, details: { decision: req.body.decision } });
      await fed.review(scopeFor(req, req.query.tenant), req.params.id, req.body.decision);
      return { ok: true as const };
    },
  );

  app.post(
    '/api/federation/feedback',
    {
      config: { access: WRITERS, audit: 'federation.feedback' },
      schema: {
        tags,
        summary: 'Confirm an indicator from peers, or report it as a false positive',
        querystring: Query,
        body: z.object({ indicator: StixIdParam, verdict: z.enum(['confirmed', 'false-positive']) }),
        response: { 200: z.object({ peers: z.array(z.string()).readonly() }), ...ERROR_RESPONSES },
      },
    },
    async (req) => {
      noteAudit(req, { target: req.body.indicator, details: { verdict: req.body.verdict } });
      return fed.feedback(scopeFor(req, req.query.tenant), req.body.indicator, req.body.verdict);
    },
  );

  app.post(
    '/api/federation/lookup',
    {
      config: { access: WRITERS, audit: 'federation.lookup' },
      schema: {
        tags,
        summary: 'Ask peers whether they have seen a value, without revealing it',
        description: 'VOPRF (RFC 9497, ristretto255) private set membership: peers never see the value.',
        querystring: Query,
        body: LookupSchema,
        response: { 200: list(LookupAnswerSchema), ...ERROR_RESPONSES },
      },
    },
    async (req) => {
      noteAudit(req, { details: { kind: req.body.kind } });
      return { items: await fed.lookup(scopeFor(req, req.query.tenant), req.body.kind, req.body.value) };
    },
  );

  app.get(
    '/api/federation/sightings',
    {
      config: { access: READERS },
      schema: {
        tags,
        summary: 'Where this node’s intelligence landed: sightings returned by peers',
        querystring: Query,
        response: { 200: list(LandedSchema), ...ERROR_RESPONSES },
      },
    },
    async (req) => ({ items: await fed.sightings(scopeFor(req, req.query.tenant)) }),
  );

  app.get(
    '/api/federation/rejections',
    {
      config: { access: READERS },
      schema: {
        tags,
        summary: 'Refused requests and objects, with the reason',
        querystring: z.object({ limit: z.coerce.number().int().min(1).max(1000).default(100), ...TenantParam }),
        response: { 200: list(RejectionSchema), ...ERROR_RESPONSES },
      },
    },
    async (req) => ({ items: await fed.rejections(scopeFor(req, req.query.tenant), req.query.limit) }),
  );

  app.get(
    '/api/federation/decisions',
    {
      config: { access: READERS },
      schema: {
        tags,
        summary: 'Sharing-policy decisions, newest first',
        querystring: z.object({
          peer: NodeIdParam.optional(),
          object: StixIdParam.optional(),
          limit: z.coerce.number().int().min(1).max(1000).default(100),
          ...TenantParam,
        }),
        response: { 200: list(DecisionSchema), ...ERROR_RESPONSES },
      },
    },
    async (req) => {
      const { peer, object, limit, tenant } = req.query;
      return {
        items: await fed.decisions(scopeFor(req, tenant), {
          limit,
          ...(peer ? { peer } : {}),
          ...(object ? { objectId: object } : {}),
        }),
      };
    },
  );

  app.get(
    '/api/federation/provenance/:id',
    {
      config: { access: READERS },
      schema: {
        tags,
        summary: 'The signed provenance chain of a received object',
        params: z.object({ id: StixIdParam }),
        querystring: Query,
        response: { 200: ProvenanceSchema, ...ERROR_RESPONSES },
      },
    },
    async (req) => {
      const p = await fed.provenance(scopeFor(req, req.query.tenant), req.params.id);
      if (!p) throw new AppError('NOT_FOUND', `${req.params.id} did not come from a peer`);
      return p;
    },
  );

  app.get(
    '/api/federation/groups',
    {
      config: { access: READERS },
      schema: {
        tags,
        summary: 'Sharing groups',
        querystring: Query,
        response: { 200: list(GroupSchema), ...ERROR_RESPONSES },
      },
    },
    async (req) => ({ items: await fed.groups(scopeFor(req, req.query.tenant)) }),
  );

  app.put(
    '/api/federation/groups/:name',
    {
      config: { access: ADMINS, audit: 'federation.group.set' },
      schema: {
        tags,
        summary: 'Create or replace a sharing group (a named set of member nodes)',
        params: z.object({ name: NameParam }),
        querystring: Query,
        body: z.object({ members: z.array(NodeIdParam).min(1).max(1024) }),
        response: { 200: GroupSchema, ...ERROR_RESPONSES },
      },
    },
    async (req) => {
      noteAudit(req, { target: req.params.name, details: { members: req.body.members } });
      await fed.setGroup(scopeFor(req, req.query.tenant), req.params.name, req.body.members);
      return { name: req.params.name, members: req.body.members };
    },
  );

  app.put(
    '/api/federation/communities/:name/key',
    {
      config: { access: ADMINS, audit: 'federation.community.key' },
      schema: {
        tags,
        summary: "Set (or generate) a community's pseudonymisation key",
        description: 'Members of a community share this key out of band; pseudonyms under it correlate across members.',
        params: z.object({ name: NameParam }),
        querystring: Query,
        body: z.object({
          key: z
            .string()
            .regex(/^[0-9a-fA-F]{32,128}$/)
            .optional(),
        }),
        response: { 200: z.object({ name: z.string(), key: z.string() }), ...ERROR_RESPONSES },
      },
    },
    async (req) => {
      noteAudit(req, { target: req.params.name });
      return fed.setCommunityKey(scopeFor(req, req.query.tenant), req.params.name, req.body.key);
    },
  );
}
