import net from 'node:net';

type Mode = 'up' | 'cut' | 'blackhole';

/** One proxied connection: bytes either way are forwarded, or held while the proxy is a blackhole. */
interface Link {
  client: net.Socket;
  upstream: net.Socket;
  held: { to: net.Socket; chunk: Buffer }[];
}

/**
 * A loopback TCP proxy that plays a database going away and coming back: cut (connections dropped,
 * new ones refused), blackhole (connections stay open but no byte passes, as on a silent network or a
 * stuck failover: held bytes flow again on restore), and reset (every connection gets a TCP RST).
 */
export class TcpProxy {
  private mode: Mode = 'up';
  private refusedCount = 0;
  private latencyMs = 0;
  private readonly links = new Set<Link>();
  private constructor(private readonly server: net.Server) {}

  static async start(targetHost: string, targetPort: number): Promise<TcpProxy> {
    const server = net.createServer();
    const proxy = new TcpProxy(server);
    server.on('connection', (client) => proxy.accept(client, targetHost, targetPort));
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    return proxy;
  }

  get port(): number {
    return (this.server.address() as net.AddressInfo).port;
  }

  /** How many connections are open through the proxy. */
  get connections(): number {
    return this.links.size;
  }

  /** How many connections were refused while cut. */
  get refused(): number {
    return this.refusedCount;
  }

  /** Drops every connection and refuses new ones until {@link restore}. */
  cut(): void {
    this.mode = 'cut';
    for (const link of this.links) {
      link.client.destroy();
      link.upstream.destroy();
    }
  }

  /** Keeps every connection open (and accepts new ones) but lets no byte through until {@link restore}. */
  blackhole(): void {
    this.mode = 'blackhole';
  }

  /** Delays every byte from the server by `ms` (0: none), as a slow or distant database would. */
  latency(ms: number): void {
    this.latencyMs = ms;
  }

  /** Resets every open connection (TCP RST), then keeps forwarding new ones. */
  reset(): void {
    for (const link of this.links) {
      link.client.resetAndDestroy();
      link.upstream.resetAndDestroy();
    }
  }

  /** Forwards again, first the bytes held during a blackhole. */
  restore(): void {
    this.mode = 'up';
    for (const link of this.links) {
      for (const { to, chunk } of link.held.splice(0)) if (!to.destroyed) to.write(chunk);
    }
  }

  async stop(): Promise<void> {
    this.cut();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }

  private accept(client: net.Socket, targetHost: string, targetPort: number): void {
    if (this.mode === 'cut') {
      this.refusedCount++;
      client.destroy();
      return;
    }
    const upstream = net.connect(targetPort, targetHost);
    const link: Link = { client, upstream, held: [] };
    this.links.add(link);
    const forward = (to: net.Socket) => (chunk: Buffer) => {
      if (this.mode === 'blackhole') link.held.push({ to, chunk });
      else if (to === client && this.latencyMs > 0) setTimeout(() => !to.destroyed && to.write(chunk), this.latencyMs);
      else if (!to.destroyed) to.write(chunk);
    };
    client.on('data', forward(upstream));
    upstream.on('data', forward(client));
    const close = () => {
      this.links.delete(link);
      client.destroy();
      upstream.destroy();
    };
    for (const socket of [client, upstream]) {
      socket.on('error', close);
      socket.on('close', close);
    }
  }
}
