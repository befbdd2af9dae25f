import type { ApiClient } from './client';
import type { Output } from './output';

/** What every command gets once the global options are parsed. */
export interface Context {
  client: ApiClient;
  output: Output;
}
