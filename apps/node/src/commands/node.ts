/**
 * @module
 * `intersoc node init|show|card|community|group`: the node's federation identity (an Ed25519
 * key pair and organisation metadata; the node id is the key's fingerprint), the peer card to
 * exchange out of band, community pseudonymisation keys and sharing groups.
 */
import { writeFileSync } from 'node:fs';
import type { Command } from 'commander';
import { AppError } from '@intersoc/core';
import { cardOf, initIdentity, loadIdentity, NAME_PATTERN, NODE_ID_PATTERN } from '@intersoc/federation';
import { withFederation } from '../node/federation-cli.js';
import { configFor, dataOptions, type DataFlags } from '../node/options.js';

const out = (flags: DataFlags, json: unknown, text: string): void => {
  process.stdout.write(flags.json ? `${JSON.stringify(json)}\n` : `${text}\n`);
};

function list(v: string | undefined): string[] {
  return (v ?? '')
    .split(',')
    .map((s) => s.trim())
    .filter((s) => s.length > 0);
}

function name(v: string): string {
  if (!NAME_PATTERN.test(v))
    throw new AppError('VALIDATION', `invalid name "${v}" (lower-case letters, digits, _ . -)`);
  return v;
}

/** Adds the `node` subcommand group. */
export function register(program: Command): void {
  const node = program.command('node').description('federation identity of this node');

  dataOptions(
    node
      .command('init')
      .description('create the node identity (Ed25519 key pair) or update its metadata')
      .requiredOption('--name <name>', 'organisation name')
      .requiredOption('--sector <sector>', 'STIX industry sector, e.g. energy, financial-services, telecommunications')
      .requiredOption('--country <cc>', 'ISO 3166-1 alpha-2 country code')
      .option('--community <names>', 'communities the node belongs to (TLP:GREEN reach), comma-separated')
      .option('--endpoint <url>', 'base URL where peers reach this node, e.g. https://soc.example:8080')
      .option('--new-key', 'replace the key pair (the node id changes: tell your peers)'),
  ).action(
    (
      f: DataFlags & {
        name: string;
        sector: string;
        country: string;
        community?: string;
        endpoint?: string;
        newKey?: boolean;
      },
    ) => {
      const config = configFor(f);
      const { identity } = initIdentity(
        config.data,
        {
          name: f.name,
          sector: f.sector,
          country: f.country.toUpperCase(),
          communities: list(f.community).map(name),
          ...(f.endpoint ? { endpoint: f.endpoint } : {}),
        },
        { newKey: f.newKey === true },
      );
      out(f, identity, `node ${identity.nodeId} (${identity.name}); share \`intersoc node card\` with your peers`);
    },
  );

  dataOptions(node.command('show').description('show the node identity')).action((f: DataFlags) => {
    const { identity } = loadIdentity(configFor(f).data);
    out(
      f,
      identity,
      [
        `node id:     ${identity.nodeId}`,
        `name:        ${identity.name}`,
        `sector:      ${identity.sector}`,
        `country:     ${identity.country}`,
        `communities: ${identity.communities.join(', ') || '-'}`,
        `endpoint:    ${identity.endpoint ?? '-'}`,
        `public key:  ${identity.publicKey}`,
      ].join('\n'),
    );
  });

  dataOptions(
    node
      .command('card')
      .description('print the peer card (public key, node id, endpoint) to exchange out of band')
      .option('--out <file>', 'write it to a file'),
  ).action((f: DataFlags & { out?: string }) => {
    const card = cardOf(loadIdentity(configFor(f).data).identity);
    const text = `${JSON.stringify(card, null, 2)}\n`;
    if (f.out) writeFileSync(f.out, text);
    else process.stdout.write(text);
  });

  dataOptions(
    node
      .command('community')
      .description("set a community's pseudonymisation key (shared out of band among its members)")
      .argument('<name>', 'community name')
      .option('--key <hex>', 'the key (32 to 128 hex digits); generated when omitted'),
  ).action(async (community: string, f: DataFlags & { key?: string }) => {
    const key = await withFederation(configFor(f), ({ fed, ctx }) => fed.setCommunityKey(ctx, name(community), f.key));
    out(
      f,
      { name: community, key },
      `community ${community}: key ${key}\n(give this key to the other members over a secure channel)`,
    );
  });

  dataOptions(
    node
      .command('group')
      .description('create or replace a sharing group: a named set of member nodes')
      .argument('<name>', 'group name')
      .requiredOption('--members <ids>', 'member node ids, comma-separated'),
  ).action(async (group: string, f: DataFlags & { members: string }) => {
    const members = list(f.members);
    if (members.length === 0 || members.some((m) => !NODE_ID_PATTERN.test(m)))
      throw new AppError('VALIDATION', '--members takes node ids (32 hex digits), comma-separated');
    await withFederation(configFor(f), ({ fed, ctx }) => fed.setGroup(ctx, name(group), members));
    out(f, { name: group, members }, `sharing group ${group}: ${members.length} members`);
  });
}
