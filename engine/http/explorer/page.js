// @ts-check
// The page's fixed elements, looked up once, and the message line and key status they show.
import { ApiFailure, storedKey } from './api.js';
import { byId } from './dom.js';

export const page = {
  keyForm: byId('key-form', HTMLFormElement),
  keyInput: byId('key', HTMLInputElement),
  keyStatus: byId('key-status', HTMLElement),
  forgetKey: byId('forget-key', HTMLButtonElement),
  searchForm: byId('search-form', HTMLFormElement),
  searchKind: byId('search-kind', HTMLSelectElement),
  searchId: byId('search-id', HTMLInputElement),
  message: byId('message', HTMLElement),
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

/** @param {string} text @param {'info' | 'error'} [tone] */
export function say(text, tone = 'info') {
  page.message.textContent = text;
  page.message.className = tone;
}

/** @param {unknown} error */
export function sayFailure(error) {
  if (error instanceof ApiFailure && error.status === 401 && storedKey())
    say(`The API refused the key: ${error.message}`, 'error');
  else say(error instanceof Error ? error.message : String(error), 'error');
}

export function showKeyStatus() {
  page.keyStatus.textContent = storedKey()
    ? 'A key is set for this tab; it is sent as Authorization: Bearer with every request.'
    : 'No key yet: it is kept in this tab only, until you close it.';
  page.forgetKey.hidden = !storedKey();
}
