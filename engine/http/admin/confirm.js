// @ts-check
// Every action that changes a run asks first, in the page's own dialog (a person reads what will happen,
// and a test clicks the same buttons a person does).
import { byId } from '../explorer/dom.js';

const dialog = byId('confirm', HTMLDialogElement);
const text = byId('confirm-text', HTMLElement);
const detail = byId('confirm-detail', HTMLElement);

/**
 * Shows the question (and any detail nodes) and answers whether the person confirmed.
 * @param {string} question
 * @param {Array<Node | string>} [details]
 * @returns {Promise<boolean>}
 */
export function confirmAction(question, details = []) {
  text.textContent = question;
  detail.replaceChildren(...details);
  dialog.returnValue = '';
  dialog.showModal();
  return new Promise((resolve) => {
    dialog.addEventListener('close', () => resolve(dialog.returnValue === 'ok'), { once: true });
  });
}
