/**
 * The engine's HTTP layer, as an application sees it: the plugin and server options its `app.ts` needs,
 * and what its own route files use (the typed app, command context, errors, schema fragments, read your
 * writes, aggregate loading, Web UI links).
 */
export { processionHttp } from './plugin';
export { httpServerOptions, defaultBodyLimitBytes } from './serverOptions';
export type { ApiDependencies } from './dependencies';
export type { TypedApp } from './typedApp';
export { parseApiKeys, fingerprint, type ApiKeys, type Role, type Access } from './auth';
export {
  commandHeaders,
  newAggregateId,
  sendCommand,
  type CommandHeaders,
  type CommandRequest,
} from './commandContext';
export { ApiError, type ErrorBody } from './errors';
export {
  countryCode,
  dateTime,
  errorResponses,
  id,
  idParams,
  logPosition,
  longId,
  nullable,
  nullableString,
  pageLimitString,
  positiveIntegerString,
  strictObject,
  text,
  uiLink,
} from './schemas';
export { awaitReadModel, readYourWritesQuery } from './readYourWrites';
export { loadAggregate } from './aggregates';
export { workflowUiUrl } from './temporal';
