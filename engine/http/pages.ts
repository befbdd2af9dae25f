import path from 'node:path';
import type { FastifyInstance } from 'fastify';
import fastifyStatic from '@fastify/static';

/** The pages: each its own files (HTML, scripts, a style sheet), no build step. */
const pages = ['explorer', 'admin'];

// A page loads only this server's files (its ES modules too: script-src 'self') and talks only to this
// API; data never becomes markup (see explorer/dom.js, which both pages build their elements with).
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
 * The causation explorer at `/explorer/` and the bulk-task admin page at `/admin/`: pages that call the
 * API with a key the user types in (kept per tab, shared by both). They are public like `/docs`: they
 * hold no data, and a browser opening one cannot send a key with the request; every fetch sends one.
 */
export function installPages(app: FastifyInstance): void {
  app.addHook('onRoute', (route) => {
    if (pages.some((name) => route.url === `/${name}` || route.url.startsWith(`/${name}/`)))
      route.config = { ...route.config, access: 'public' };
  });
  for (const name of pages) servePage(app, `/${name}`, path.join(__dirname, name));
}

function servePage(app: FastifyInstance, prefix: string, pageFiles: string): void {
  // To `/explorer/`, so the page's relative links (its files, the API routes) resolve under it; relative
  // itself, so it holds behind a proxy that serves the API under a path of its own.
  app.get(prefix, { schema: { hide: true } }, (_request, reply) => reply.redirect(`${prefix.slice(1)}/`));
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
