import { connect, createServer, type AddressInfo } from 'node:net';

/** True when something accepts TCP connections on host:port (within timeoutMs). */
export function isPortListening(host: string, port: number, timeoutMs = 500): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = connect({ host, port });
    const done = (listening: boolean) => {
      socket.destroy();
      resolve(listening);
    };
    socket.setTimeout(timeoutMs, () => done(false));
    socket.once('connect', () => done(true));
    socket.once('error', () => done(false));
  });
}

/**
 * A port that is free on host, and that the OS will not hand out again to another "any free port" request
 * for about a minute: we connect to it and close from the server side, which leaves the port in TIME_WAIT
 * (the Temporal CLI does the same). Without that, the dev server's own internal port picks could collide
 * with a port chosen here. Servers binding it explicitly (SO_REUSEADDR: Node, Go, Postgres) are not hindered.
 */
export function getFreePort(host = '127.0.0.1'): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.unref();
    server.once('error', reject);
    server.once('connection', (socket) => socket.destroy()); // server side closes first → TIME_WAIT
    server.listen({ host, port: 0 }, () => {
      const { port } = server.address() as AddressInfo;
      const client = connect({ host, port });
      client.once('error', () => undefined); // a reset after the server's close is fine
      client.once('close', () => server.close(() => resolve(port)));
      client.once('end', () => client.destroy());
    });
  });
}

/** Host to connect to for a server bound on `ip` (a wildcard bind is reached through loopback). */
export function connectHost(ip: string): string {
  if (ip === '0.0.0.0') return '127.0.0.1';
  if (ip === '::') return '::1';
  return ip;
}

/** `host:port`, with brackets around IPv6 literals. */
export function hostPort(host: string, port: number): string {
  return host.includes(':') ? `[${host}]:${port}` : `${host}:${port}`;
}
