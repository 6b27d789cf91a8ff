/**
 * @module
 * `intersoc peer add|list|remove|trust|revoke|feedback`: peering by explicit, out-of-band
 * exchange of peer cards (public key, node id, endpoint); there is no central registry. A
 * revoked key is refused at once for everything received later. Works beside a running node.
 */
import { readFileSync } from 'node:fs';
import type { Command } from 'commander';
import { AppError } from '@intersoc/core';
import { RELIABILITY, type Peer, type Reliability } from '@intersoc/federation';
import { withFederation } from '../node/federation-cli.js';
import { configFor, dataOptions, type DataFlags } from '../node/options.js';

function grade(v: string): Reliability {
  const g = v.toUpperCase();
  if (!(RELIABILITY as readonly string[]).includes(g))
    throw new AppError(
      'VALIDATION',
      'reliability is an admiralty grade: A (completely reliable) to E, or F (cannot be judged)',
    );
  return g as Reliability;
}

function line(p: Peer): string {
  return `${p.nodeId}  ${p.status.padEnd(7)}  ${p.reliability}  trust ${p.trust.toFixed(2)}  ${p.name} (${p.sector}, ${p.country})  ${p.endpoint ?? '-'}${p.lastError ? `  last error: ${p.lastError}` : ''}`;
}

const print = (f: DataFlags, json: unknown, text: string): void => {
  process.stdout.write(f.json ? `${JSON.stringify(json)}\n` : `${text}\n`);
};

/** Adds the `peer` subcommand group. */
export function register(program: Command): void {
  const peer = program.command('peer').description('peers of this node (out-of-band key exchange)');

  dataOptions(
    peer
      .command('add')
      .description('add a peer from its card (the JSON printed by its `intersoc node card`)')
      .argument('<card>', 'card file, or - for standard input')
      .option('--reliability <grade>', 'admiralty reliability A–F (F: cannot be judged)', 'F')
      .option('--community <names>', "the peer's communities as you know them (default: its card's), comma-separated")
      .option('--endpoint <url>', "override the card's endpoint"),
  ).action(async (file: string, f: DataFlags & { reliability: string; community?: string; endpoint?: string }) => {
    const text = file === '-' ? readFileSync(0, 'utf8') : readFileSync(file, 'utf8');
    let card: unknown;
    try {
      card = JSON.parse(text);
    } catch {
      throw new AppError('PARSE', `${file} is not JSON`);
    }
    const p = await withFederation(configFor(f), ({ fed, ctx }) =>
      fed.addPeer(ctx, card, {
        reliability: grade(f.reliability),
        ...(f.community === undefined
          ? {}
          : {
              communities: f.community
                .split(',')
                .map((s) => s.trim())
                .filter(Boolean),
            }),
        ...(f.endpoint ? { endpoint: f.endpoint } : {}),
      }),
    );
    print(f, p, `added ${line(p)}`);
  });

  dataOptions(peer.command('list').description('list peers and their trust')).action(async (f: DataFlags) => {
    const peers = await withFederation(configFor(f), ({ fed, ctx }) => fed.listPeers(ctx));
    print(f, peers, peers.length === 0 ? 'no peers' : peers.map(line).join('\n'));
  });

  dataOptions(peer.command('remove').description('forget a peer').argument('<node-id>')).action(
    async (id: string, f: DataFlags) => {
      const removed = await withFederation(configFor(f), ({ fed, ctx }) => fed.removePeer(ctx, id));
      if (!removed) throw new AppError('NOT_FOUND', `no peer ${id}`);
      print(f, { removed: id }, `removed ${id}`);
    },
  );

  dataOptions(
    peer
      .command('trust')
      .description("set a peer's admiralty reliability (A–F); trust then moves with feedback")
      .argument('<node-id>')
      .argument('<grade>', 'A, B, C, D, E or F'),
  ).action(async (id: string, g: string, f: DataFlags) => {
    const p = await withFederation(configFor(f), ({ fed, ctx }) => fed.setReliability(ctx, id, grade(g)));
    print(f, p, line(p));
  });

  dataOptions(
    peer
      .command('revoke')
      .description("revoke a peer's key: nothing it signs is accepted from now on")
      .argument('<node-id>'),
  ).action(async (id: string, f: DataFlags) => {
    const p = await withFederation(configFor(f), ({ fed, ctx }) => fed.revokePeer(ctx, id));
    print(f, p, `revoked ${line(p)}`);
  });

  dataOptions(
    peer
      .command('feedback')
      .description('confirm an indicator received from peers, or report it as a false positive')
      .argument('<indicator-id>', 'STIX id of the indicator')
      .option('--false-positive', 'a false positive (lowers the trust of its source and takes it out of detection)')
      .option('--confirmed', 'confirmed (raises the trust of its source)'),
  ).action(async (id: string, f: DataFlags & { falsePositive?: boolean; confirmed?: boolean }) => {
    if (f.falsePositive === f.confirmed)
      throw new AppError('VALIDATION', 'give exactly one of --false-positive, --confirmed');
    const verdict = f.falsePositive ? 'false-positive' : 'confirmed';
    const r = await withFederation(configFor(f), ({ fed, ctx }) => fed.feedback(ctx, id, verdict));
    print(f, { indicator: id, verdict, ...r }, `${verdict}: ${id} (peers ${r.peers.join(', ') || '-'})`);
  });
}
