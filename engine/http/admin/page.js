// @ts-check
// The admin page's fixed elements and its message line (the explorer has its own: their elements differ).
import { ApiFailure, storedKey } from '../explorer/api.js';
import { byId } from '../explorer/dom.js';

export const page = {
  keyForm: byId('key-form', HTMLFormElement),
  keyInput: byId('key', HTMLInputElement),
  keyStatus: byId('key-status', HTMLElement),
  forgetKey: byId('forget-key', HTMLButtonElement),
  message: byId('message', HTMLElement),
  tasks: byId('tasks', HTMLElement),
  runs: byId('runs', HTMLUListElement),
};

/** @param {string} text @param {'info' | 'error'} [tone] */
export function say(text, tone = 'info') {
  page.message.textContent = text;
  page.message.className = tone;
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
  page.keyStatus.textContent = storedKey()
    ? 'A key is set for this tab; it is sent as Authorization: Bearer with every request.'
    : 'No key yet: it is kept in this tab only, until you close it.';
  page.forgetKey.hidden = !storedKey();
}
