import net from 'node:net';

/** A TCP port on 127.0.0.1 that was free a moment ago (the OS picks it). */
export function findFreePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.unref();
    server.on('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      const port = typeof address === 'object' && address ? address.port : 0;
      server.close(() => resolve(port));
    });
  });
}

function portIsFree(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const server = net.createServer();
    server.unref();
    server.once('error', () => resolve(false));
    server.listen(port, '127.0.0.1', () => server.close(() => resolve(true)));
  });
}

/**
 * The first of `count` consecutive ports on 127.0.0.1 that were all free a moment ago, for a cluster whose
 * ports are derived from one. Tried at random below Linux's default ephemeral range (32768 and up), where
 * the OS does not hand out ports on its own.
 */
export async function findFreePortRange(count: number): Promise<number> {
  for (let attempt = 0; attempt < 50; attempt++) {
    const first = 20_000 + Math.floor(Math.random() * 180) * 64;
    const ports = Array.from({ length: count }, (_, i) => first + i);
    const free = await Promise.all(ports.map(portIsFree));
    if (free.every(Boolean)) return first;
  }
  throw new Error(`No ${count} consecutive free ports found between 20000 and 31520`);
}
