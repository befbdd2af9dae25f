// @ts-check
// The admin page's fixed elements, looked up once; the key form and message line are the explorer's
// (explorer/keyAndMessage.js).
import { byId } from '../explorer/dom.js';
import { keyElements } from '../explorer/keyAndMessage.js';

export { say, sayFailure, showKeyStatus } from '../explorer/keyAndMessage.js';

export const page = {
  ...keyElements,
  tasks: byId('tasks', HTMLElement),
  runs: byId('runs', HTMLUListElement),
};
