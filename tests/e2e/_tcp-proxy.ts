/**
 * @module
 * Test-only: a TCP proxy (node:net) in front of a shared service, so a test can make the service
 * unreachable for one process without stopping it for everyone else. `cut()` closes the
 * listener (new connections are refused) and destroys every open connection; `restore()`
 * listens again on the same port.
 */
import net from 'node:net';

/** A proxy from `127.0.0.1:<port>` to `target`. */
export class TcpProxy {
  private server: net.Server | undefined;
  private readonly sockets = new Set<net.Socket>();
  /** Connections accepted while up, and connection attempts since the last `cut()`. */
  accepted = 0;

  private constructor(
    private readonly target: { host: string; port: number },
    public port: number,
  ) {}

  /** Starts on a free port. */
  static async start(target: { host: string; port: number }): Promise<TcpProxy> {
    const p = new TcpProxy(target, 0);
    await p.restore();
    return p;
  }

  /** Listens (again) on the proxy's port. */
  async restore(): Promise<void> {
    const server = net.createServer((client) => {
      this.accepted++;
      const upstream = net.connect(this.target.port, this.target.host);
      for (const s of [client, upstream]) {
        this.sockets.add(s);
        s.on('close', () => this.sockets.delete(s));
        // A reset on one side ends the other; errors here are the outage the test makes.
        s.on('error', () => undefined);
      }
      client.pipe(upstream).on('error', () => client.destroy());
      upstream.pipe(client).on('error', () => upstream.destroy());
      client.on('close', () => upstream.destroy());
      upstream.on('close', () => client.destroy());
    });
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(this.port, '127.0.0.1', () => resolve());
    });
    this.server = server;
    this.port = (server.address() as net.AddressInfo).port;
  }

  /** Refuses new connections and drops the open ones, as a machine or network failure would. */
  async cut(): Promise<void> {
    const server = this.server;
    this.server = undefined;
    const closed = server ? new Promise<void>((resolve) => server.close(() => resolve())) : Promise.resolve();
    for (const s of this.sockets) s.destroy();
    this.sockets.clear();
    await closed;
  }

  async stop(): Promise<void> {
    await this.cut();
  }
}
