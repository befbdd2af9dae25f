// @ts-check
// The causation tree of one correlation: a card per request, command, event and saga, nested by cause.
import { detail, element, temporalUiLink, timeElement, viewLink, webAddress } from './dom.js';
import { page } from './page.js';

// The shapes the page reads are the API's wire contract, as JSON delivers them (times as strings).
/** @typedef {import('../contract').AsJson<import('../contract').TraceNode>} TraceNode */
/** @typedef {import('../contract').AsJson<import('../contract').Trace>} Trace */

/** @param {TraceNode} node */
function nodeFacts(node) {
  /** @type {HTMLElement[]} */
  const facts = [detail('time', timeElement(node.time))];
  if (node.kind === 'request') {
    if (node.causationId) facts.push(detail('causation', node.causationId));
    if (node.actor) facts.push(detail('actor', node.actor));
  }
  if (node.kind === 'command') {
    if (node.step) facts.push(detail('step', node.step));
    if (node.actor) facts.push(detail('actor', node.actor));
  }
  if (node.kind === 'event' && node.streamId !== undefined && node.streamVersion !== undefined) {
    facts.push(detail('stream', node.streamId), detail('version', String(node.streamVersion)));
    if (node.globalPosition) facts.push(detail('position', node.globalPosition));
  }
  if (node.kind === 'saga' && node.workflowId) {
    facts.push(detail('workflow', node.workflowId));
    facts.push(detail('status', node.status ?? 'unknown (Temporal did not answer)'));
    if (node.delivery) facts.push(detail('started by', node.delivery === 'start' ? 'a start' : 'a signal'));
    if (node.signalledBy?.length) facts.push(detail('signalled by', `${node.signalledBy.length} event(s)`));
  }
  return facts;
}

/**
 * The other views a node leads to: an event's playback, a saga's details and its Temporal Web UI page.
 * @param {TraceNode} node
 * @param {string} correlationId
 */
function nodeLinks(node, correlationId) {
  /** @type {HTMLElement[]} */
  const links = [];
  if (node.kind === 'event' && node.streamId !== undefined && node.streamVersion !== undefined) {
    const playback = { trace: correlationId, stream: node.streamId, version: String(node.streamVersion) };
    links.push(
      element(
        'a',
        { href: viewLink(playback) },
        `Playback of ${node.streamId} at version ${node.streamVersion}`,
      ),
    );
  }
  if (node.kind === 'saga' && node.workflowId) {
    links.push(
      element('a', { href: viewLink({ trace: correlationId, saga: node.workflowId }) }, 'Saga details'),
    );
    const ui = webAddress(node.uiUrl);
    if (ui) links.push(temporalUiLink(ui));
  }
  return links;
}

/**
 * @param {TraceNode} node
 * @param {string} correlationId
 */
function nodeCard(node, correlationId) {
  const links = nodeLinks(node, correlationId);
  return element(
    'article',
    {
      class: `node node-${node.kind}`,
      'aria-label': node.kind === 'request' ? 'request' : `${node.kind} ${node.type}`,
    },
    // A request's type is 'request': its kind says it already.
    element(
      'h3',
      {},
      element('span', { class: 'kind' }, node.kind),
      node.kind === 'request' ? '' : ` ${node.type}`,
    ),
    element('dl', {}, ...nodeFacts(node)),
    links.length
      ? element('p', { class: 'links' }, ...links.flatMap((link, i) => (i ? [' · ', link] : [link])))
      : null,
  );
}

/** @param {Trace} trace */
export function showTrace(trace) {
  const byNodeId = new Map(trace.nodes.map((node) => [node.id, node]));
  /** @param {TraceNode} node @returns {HTMLElement} */
  const branch = (node) => {
    const children = node.children.map((id) => byNodeId.get(id)).filter((child) => child !== undefined);
    return element(
      'li',
      { 'data-node-id': node.id },
      nodeCard(node, trace.correlationId),
      children.length ? element('ul', {}, ...children.map(branch)) : null,
    );
  };
  const roots = trace.nodes.filter((node) => node.parentId === null || !byNodeId.has(node.parentId));
  page.tree.replaceChildren(...roots.map(branch));
  page.traceHeading.textContent = `Trace of ${trace.correlationId}`;
  const count = (/** @type {string} */ kind) => trace.nodes.filter((node) => node.kind === kind).length;
  page.traceSummary.textContent =
    `${count('request')} request(s), ${count('command')} command(s), ${count('event')} event(s), ` +
    `${count('saga')} saga(s)` +
    (trace.truncated ? '. Truncated: only the first events of this correlation are shown.' : '.');
  page.trace.hidden = false;
}
