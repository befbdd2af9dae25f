// @ts-check
// The explorer's fixed elements, looked up once; the key form and message line are shared with the
// admin page (keyAndMessage.js).
import { byId } from './dom.js';
import { keyElements } from './keyAndMessage.js';

export { say, sayFailure, showKeyStatus } from './keyAndMessage.js';

export const page = {
  ...keyElements,
  searchForm: byId('search-form', HTMLFormElement),
  searchKind: byId('search-kind', HTMLSelectElement),
  searchId: byId('search-id', HTMLInputElement),
  choices: byId('choices', HTMLElement),
  choiceList: byId('choice-list', HTMLUListElement),
  trace: byId('trace', HTMLElement),
  traceHeading: byId('trace-heading', HTMLElement),
  traceSummary: byId('trace-summary', HTMLElement),
  tree: byId('tree', HTMLUListElement),
  detail: byId('detail', HTMLElement),
  detailHeading: byId('detail-heading', HTMLElement),
  detailBody: byId('detail-body', HTMLElement),
};
