/**
 * @module
 * `intersoc serve`: runs the node (API, syslog listeners, pipeline) until SIGINT/SIGTERM. With
 * `--role`, `--bus` or `--store` (or their config and environment settings) it runs scale-out
 * roles instead (see `roles/roles.ts` and docs/SCALE-OUT.md).
 */
import type { Command } from 'commander';
import { configFor, intArg, type DataFlags } from '../node/options.js';
import { startNode } from '../node/server.js';
import { isScaleOut } from '../roles/mode.js';

interface ServeFlags extends DataFlags {
  readonly role?: string;
  readonly bus?: string;
  readonly store?: string;
  readonly host?: string;
  readonly port?: string;
  readonly demo?: boolean;
  readonly metricsPort?: string;
}

/** Adds the `serve` subcommand. */
export function register(program: Command): void {
  program
    .command('serve')
    .description('run the node: HTTP API, syslog UDP/TCP listeners and the pipeline')
    .option('--data <dir>', 'node data directory (default ./data)')
    .option('--config <file>', 'configuration file (JSON)')
    .option('--host <host>', 'HTTP listen address (default 127.0.0.1)')
    .option('--port <n>', 'HTTP port (default 8080)')
    .option('--demo', 'load demo data on an empty node without asking')
    .option(
      '--role <roles>',
      'scale-out roles: api, ingest, detect, correlate, respond (comma-separated); default all (the embedded node)',
    )
    .option('--bus <url>', 'NATS JetStream bus of the scale-out roles (nats://HOST:PORT)')
    .option(
      '--store <url>',
      'store of the api, detect, correlate and respond roles (postgres://…; sqlite:DIR for detect/correlate)',
    )
    .option('--metrics-port <port>', 'scale-out roles: serve /metrics on http.host:PORT (0 = any free port)')
    .action(async (flags: ServeFlags) => {
      const http: { host?: string; port?: number } = {};
      if (flags.host) http.host = flags.host;
      if (flags.port !== undefined) http.port = intArg('port', flags.port, 8080);
      const bus: { url?: string; metricsPort?: number } = {};
      if (flags.bus) bus.url = flags.bus;
      if (flags.metricsPort !== undefined) bus.metricsPort = intArg('metrics-port', flags.metricsPort, 0);
      const config = configFor(flags, {
        overrides: {
          http,
          ...(flags.role ? { roles: flags.role } : {}),
          ...(Object.keys(bus).length > 0 ? { bus } : {}),
          ...(flags.store ? { store: { url: flags.store } } : {}),
        },
      });
      const node = isScaleOut(config)
        ? await (await import('../roles/start.js')).startScaleOut(config, (m) => process.stderr.write(`${m}\n`))
        : await startNode(config, { offerDemo: true, ...(flags.demo ? { demo: true } : {}) });
      await new Promise<void>((resolve) => {
        const stop = (): void => {
          process.stderr.write('shutting down: flushing the pipeline...\n');
          resolve();
        };
        process.once('SIGINT', stop);
        process.once('SIGTERM', stop);
      });
      await node.close();
    });
}
