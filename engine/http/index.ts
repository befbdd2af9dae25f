/**
 * The engine's HTTP layer, as an application sees it: the plugin and server options its `app.ts` needs,
 * and what its own route files use (the typed app, command context, errors, schema fragments, read your
 * writes, aggregate loading, Web UI links). The rest of engine/http is the engine's own.
 */
export { processionHttp } from './plugin';
export { httpServerOptions } from './serverOptions';
export type { ApiDependencies } from './dependencies';
export type { TypedApp } from './typedApp';
export { commandHeaders, newAggregateId, sendCommand } from './commandContext';
export { ApiError } from './errors';
export {
  countryCode,
  dateTime,
  errorResponses,
  id,
  idParams,
  logPosition,
  nullableString,
  pageLimitString,
  strictObject,
  text,
  uiLink,
} from './schemas';
export { awaitReadModel, readYourWritesQuery } from './readYourWrites';
export { loadAggregate } from './aggregates';
export { workflowUiUrl } from './temporal';
