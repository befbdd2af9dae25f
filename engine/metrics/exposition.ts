import { createServer, type Server } from 'node:http';
import { Registry } from 'prom-client';

/** What a /metrics answer needs: the Prometheus text of one or more registries. */
export interface MetricsSource {
  contentType: string;
  render(): Promise<string>;
}

/** Merged at every scrape, so a metric registered after this was built (Node's own figures) is included. */
export function metricsSource(registries: readonly Registry[]): MetricsSource {
  return {
    contentType: Registry.PROMETHEUS_CONTENT_TYPE,
    render: () => Registry.merge([...registries]).metrics(),
  };
}

/**
 * A bare `GET /metrics` listener for processes that serve no API (ROLE=relay,projections, ROLE=worker).
 * It asks for no key: it binds to loopback unless told otherwise and is meant for a private network, like
 * the Temporal SDK's own metrics port.
 */
export async function startMetricsListener(
  source: MetricsSource,
  port: number,
  host = '127.0.0.1',
): Promise<{ url: string; close(): Promise<void> }> {
  const server: Server = createServer((request, response) => {
    if (request.method !== 'GET' || request.url?.split('?')[0] !== '/metrics') {
      response.writeHead(404, { 'content-type': 'text/plain' }).end('only GET /metrics here\n');
      return;
    }
    source.render().then(
      (text) => response.writeHead(200, { 'content-type': source.contentType }).end(text),
      (error: Error) => response.writeHead(500, { 'content-type': 'text/plain' }).end(`${error.message}\n`),
    );
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => resolve());
  });
  const address = server.address() as { port: number };
  return {
    url: `http://${host.includes(':') ? `[${host}]` : host}:${address.port}/metrics`,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}
