/**
 * @module
 * nftables: blocks addresses by adding them to a named set that a drop rule matches, and undoes
 * it by deleting the element. The agent registration names the table, the set and optionally a
 * network namespace (`ip netns exec`); `ensure` creates table, set and drop rules when absent.
 * Commands run without a shell (argument vectors), and addresses are checked before they reach
 * nft, so a playbook variable cannot inject rules.
 */
import { execFile } from 'node:child_process';
import { isIP } from 'node:net';
import { z } from 'zod';
import { CommandError, type ActionRecord, type Connector } from '../../commands/types.js';

/** An nftables agent registration. */
export const NftAgentSchema = z.object({
  match: z.string().min(1),
  kind: z.literal('nftables'),
  /** Network namespace to act in (`ip netns exec`); the host's own when absent. */
  netns: z
    .string()
    .regex(/^[A-Za-z0-9_.-]{1,64}$/)
    .optional(),
  table: z
    .string()
    .regex(/^[A-Za-z][A-Za-z0-9_]{0,63}$/)
    .default('intersoc'),
  /** Sets of blocked IPv4 and IPv6 addresses. */
  set4: z
    .string()
    .regex(/^[A-Za-z][A-Za-z0-9_]{0,63}$/)
    .default('blocked4'),
  set6: z
    .string()
    .regex(/^[A-Za-z][A-Za-z0-9_]{0,63}$/)
    .default('blocked6'),
  nft: z.string().default('nft'),
});
/** An nftables agent registration. */
export type NftAgent = z.infer<typeof NftAgentSchema>;

function run(agent: Pick<NftAgent, 'netns' | 'nft'>, args: readonly string[], signal?: AbortSignal): Promise<string> {
  const [file, argv] = agent.netns
    ? ['ip', ['netns', 'exec', agent.netns, agent.nft, ...args]]
    : [agent.nft, [...args]];
  return new Promise((resolve, reject) => {
    execFile(file, argv, { timeout: 30_000, ...(signal ? { signal } : {}) }, (err, stdout, stderr) => {
      if (err) {
        const missing = (err as NodeJS.ErrnoException).code === 'ENOENT';
        reject(new CommandError(`nft ${args.join(' ')}: ${stderr.trim() || err.message}`, { safeToRetry: missing }));
      } else resolve(stdout);
    });
  });
}

/** Creates the table, the two sets and the drop rules (input, forward, output) unless they exist. */
export async function ensureNftables(agent: NftAgent, signal?: AbortSignal): Promise<void> {
  const t = agent.table;
  const script = [
    `table inet ${t} {`,
    `  set ${agent.set4} { type ipv4_addr; flags interval; }`,
    `  set ${agent.set6} { type ipv6_addr; flags interval; }`,
    `  chain input { type filter hook input priority -10; policy accept; ip saddr @${agent.set4} drop; ip6 saddr @${agent.set6} drop; }`,
    `  chain forward { type filter hook forward priority -10; policy accept; ip saddr @${agent.set4} drop; ip daddr @${agent.set4} drop; ip6 saddr @${agent.set6} drop; ip6 daddr @${agent.set6} drop; }`,
    `  chain output { type filter hook output priority -10; policy accept; ip daddr @${agent.set4} drop; ip6 daddr @${agent.set6} drop; }`,
    '}',
  ].join('\n');
  const exists = await run(agent, ['list', 'table', 'inet', t], signal).then(
    () => true,
    () => false,
  );
  if (!exists) await runScript(agent, script, signal);
}

function runScript(agent: NftAgent, script: string, signal?: AbortSignal): Promise<void> {
  const [file, argv] = agent.netns
    ? ['ip', ['netns', 'exec', agent.netns, agent.nft, '-f', '-']]
    : [agent.nft, ['-f', '-']];
  return new Promise((resolve, reject) => {
    const child = execFile(file, argv, { timeout: 30_000, ...(signal ? { signal } : {}) }, (err, _out, stderr) => {
      if (err) reject(new CommandError(`nft -f: ${stderr.trim() || err.message}`));
      else resolve();
    });
    child.stdin?.end(script);
  });
}

/** An address or network to block, checked: nothing else reaches nft. */
export function checkAddress(value: string): { family: 4 | 6; value: string } {
  const v = value.trim();
  const [addr, len, ...rest] = v.split('/');
  const family = isIP(addr ?? '');
  const prefix = len === undefined ? undefined : Number(len);
  if (
    rest.length > 0 ||
    family === 0 ||
    (prefix !== undefined && (!Number.isInteger(prefix) || prefix < 0 || prefix > (family === 4 ? 32 : 128)))
  ) {
    throw new CommandError(`not an IP address or network: ${JSON.stringify(value)}`);
  }
  return { family: family as 4 | 6, value: v };
}

/** Blocks an address; returns the action with its inverse. */
export async function nftBlock(agent: NftAgent, address: string, signal?: AbortSignal): Promise<ActionRecord> {
  const a = checkAddress(address);
  await ensureNftables(agent, signal);
  const set = a.family === 4 ? agent.set4 : agent.set6;
  await run(agent, ['add', 'element', 'inet', agent.table, set, `{ ${a.value} }`], signal);
  return {
    connector: 'nftables',
    summary: `blocked ${a.value} in ${agent.netns ? `netns ${agent.netns} ` : ''}table inet ${agent.table} set ${set}`,
    inverse: { netns: agent.netns ?? null, nft: agent.nft, table: agent.table, set, address: a.value },
  };
}

const InverseSchema = z.object({
  netns: z.string().nullable(),
  nft: z.string(),
  table: z.string(),
  set: z.string(),
  address: z.string(),
});

/** The nftables connector: reverts a block by deleting the set element. */
export const nftablesConnector: Connector = {
  name: 'nftables',
  async revert(inverse, c) {
    const i = InverseSchema.parse(inverse);
    const a = checkAddress(i.address);
    const agent = { nft: i.nft, ...(i.netns ? { netns: i.netns } : {}) };
    const listed = await run(agent, ['list', 'set', 'inet', i.table, i.set], c.signal);
    // Already gone (someone removed it by hand): the revert has nothing left to do.
    if (!listed.includes(a.value.split('/')[0] as string)) return;
    await run(agent, ['delete', 'element', 'inet', i.table, i.set, `{ ${a.value} }`], c.signal);
  },
};
