import { DefaultLogger, Runtime } from '@temporalio/worker';

// Tests provoke retries and rejections on purpose; the worker's warnings about them would drown the report.
Runtime.install({ logger: new DefaultLogger('ERROR') });
