import type { Client } from '@temporalio/client';
import type { FastifyServerOptions } from 'fastify';
import type { Pool } from 'pg';
import type { Application } from '../application/application';
import type { MetricsSource } from '../metrics/exposition';
import type { ApiKeys } from './auth';

/** Everything the API talks to, handed in by whoever wires the process (it starts nothing itself). */
export interface ApiDependencies {
  pool: Pool;
  /** The aggregates, bulk tasks and read models the generic routes (streams, bulk tasks) serve. */
  application: Application;
  /** Who may call which route (API_KEYS); every route but /health needs a key. */
  apiKeys: ApiKeys;
  /** Requests per minute per API key; 0 or absent turns the limit off. */
  rateLimitPerMinute?: number;
  /** Largest request body accepted, in bytes (default 1 MiB). */
  bodyLimitBytes?: number;
  temporal: {
    client: Client;
    /** For Web UI links; the client carries its own namespace for calls. */
    namespace: string;
    /** Web UI base address; links are null without it. */
    uiUrl?: string;
  };
  /**
   * Deadline for each Temporal call (default 5000). A query needs a worker to answer; without a deadline
   * a request would hang for as long as no worker polls.
   */
  temporalTimeoutMs?: number;
  /** An event append open longer than this is reported as a stall in /health (default 5000). */
  stallWarningMs?: number;
  /**
   * What GET /metrics serves: this process's registry and the deployment's gauges. By default the gauges
   * read from `pool` only (no bulk-task progress, which needs the saga task queue).
   */
  metrics?: MetricsSource;
  /** Passed to fastify; off by default so tests stay quiet. */
  logger?: FastifyServerOptions['logger'];
}
