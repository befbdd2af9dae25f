import { once } from 'node:events';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { processionTracer, startTracingFromEnv, tracesEndpoint } from '../../engine/telemetry/tracing';
import { activeTraceparent } from '../../engine/telemetry/traceparent';

// The configuration a deployment uses: OTEL_EXPORTER_OTLP_ENDPOINT names a collector, and spans reach it
// as OTLP/HTTP. The collector here is a real HTTP server that keeps what it is sent.
interface Received {
  path: string;
  contentType: string | undefined;
  body: OtlpBody;
}

interface OtlpBody {
  resourceSpans: {
    resource: { attributes: { key: string; value: { stringValue?: string } }[] };
    scopeSpans: { spans: { name: string; traceId: string }[] }[];
  }[];
}

const received: Received[] = [];
const collector = http.createServer((request, response) => {
  const chunks: Buffer[] = [];
  request.on('data', (chunk: Buffer) => chunks.push(chunk));
  request.on('end', () => {
    received.push({
      path: request.url ?? '',
      contentType: request.headers['content-type'],
      body: JSON.parse(Buffer.concat(chunks).toString('utf8')) as OtlpBody,
    });
    response.writeHead(200, { 'content-type': 'application/json' }).end('{}');
  });
});

beforeAll(async () => {
  collector.listen(0, '127.0.0.1');
  await once(collector, 'listening');
});

afterAll(() => new Promise((resolve) => collector.close(resolve)));

test('with OTEL_EXPORTER_OTLP_ENDPOINT set, spans reach the collector as OTLP/HTTP with the role', async () => {
  const { port } = collector.address() as AddressInfo;
  process.env.OTEL_EXPORTER_OTLP_ENDPOINT = `http://127.0.0.1:${port}`;
  expect(tracesEndpoint()).toBe(`http://127.0.0.1:${port}/v1/traces`);
  const tracing = startTracingFromEnv({ roles: ['api', 'relay'] });
  expect(tracing).toBeDefined();
  try {
    const traceparent = processionTracer().startActiveSpan('POST /orders', (span) => {
      const current = activeTraceparent();
      span.end();
      return current;
    });
    expect(traceparent).toMatch(/^00-[0-9a-f]{32}-[0-9a-f]{16}-01$/);
    expect(activeTraceparent()).toBeUndefined(); // outside any span
  } finally {
    await tracing!.stop(); // flushes the batch
    delete process.env.OTEL_EXPORTER_OTLP_ENDPOINT;
  }

  expect(received.map(({ path, contentType }) => ({ path, contentType }))).toEqual([
    { path: '/v1/traces', contentType: 'application/json' },
  ]);
  const [resourceSpans] = received[0]!.body.resourceSpans;
  const attributes = Object.fromEntries(
    resourceSpans!.resource.attributes.map(({ key, value }) => [key, value.stringValue]),
  );
  expect(attributes).toMatchObject({ 'service.name': 'procession', 'procession.roles': 'api,relay' });
  expect(resourceSpans!.scopeSpans.flatMap((scope) => scope.spans.map((span) => span.name))).toEqual([
    'POST /orders',
  ]);
});
