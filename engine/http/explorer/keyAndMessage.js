// @ts-check
// What both pages (the explorer and the bulk-task admin page) share: the API key form, its status line
// and the message line, under the same element ids in each page.
import { ApiFailure, storedKey } from './api.js';
import { byId } from './dom.js';

export const keyElements = {
  keyForm: byId('key-form', HTMLFormElement),
  keyInput: byId('key', HTMLInputElement),
  keyStatus: byId('key-status', HTMLElement),
  forgetKey: byId('forget-key', HTMLButtonElement),
  message: byId('message', HTMLElement),
};

/** @param {string} text @param {'info' | 'error'} [tone] */
export function say(text, tone = 'info') {
  keyElements.message.textContent = text;
  keyElements.message.className = tone;
}

/** @param {unknown} error */
export function sayFailure(error) {
  if (error instanceof ApiFailure && error.status === 403)
    say(`Not allowed with this key: ${error.message}`, 'error');
  else if (error instanceof ApiFailure && error.status === 401 && storedKey())
    say(`The API refused the key: ${error.message}`, 'error');
  else say(error instanceof Error ? error.message : String(error), 'error');
}

export function showKeyStatus() {
  keyElements.keyStatus.textContent = storedKey()
    ? 'A key is set for this tab; it is sent as Authorization: Bearer with every request.'
    : 'No key yet: it is kept in this tab only, until you close it.';
  keyElements.forgetKey.hidden = !storedKey();
}
