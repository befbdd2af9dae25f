import path from 'node:path';
import type { FastifyInstance } from 'fastify';
import fastifyStatic from '@fastify/static';

const prefix = '/explorer';
/** The page's own files: HTML, a script and a style sheet, no build step. */
const pageFiles = path.join(__dirname, 'explorer');

// The page loads only its own files (its ES modules too: script-src 'self') and talks only to this API;
// data never becomes markup (see explorer/explorer.js and explorer/dom.js).
const contentSecurityPolicy = [
  "default-src 'none'",
  "script-src 'self'",
  "style-src 'self'",
  "connect-src 'self'",
  "img-src 'self'",
  "base-uri 'none'",
  "form-action 'none'",
  "frame-ancestors 'none'",
].join('; ');

/**
 * The causation explorer at `/explorer/`: a page that reads the trace, stream and saga routes with a key
 * the user types in. The page is public like `/docs`: it holds no data, and a browser opening it cannot
 * send a key with the request; every fetch it makes sends one.
 */
export function installExplorer(app: FastifyInstance): void {
  app.addHook('onRoute', (route) => {
    if (route.url === prefix || route.url.startsWith(`${prefix}/`))
      route.config = { ...route.config, access: 'public' };
  });
  // To `/explorer/`, so the page's relative links (its files, the API routes) resolve under it; relative
  // itself, so it holds behind a proxy that serves the API under a path of its own.
  app.get(prefix, { schema: { hide: true } }, (_request, reply) => reply.redirect('explorer/'));
  void app.register(fastifyStatic, {
    root: pageFiles,
    prefix: `${prefix}/`,
    decorateReply: false,
    setHeaders: (reply) => {
      reply.header('content-security-policy', contentSecurityPolicy);
      reply.header('referrer-policy', 'no-referrer');
      reply.header('x-content-type-options', 'nosniff');
    },
  });
}
