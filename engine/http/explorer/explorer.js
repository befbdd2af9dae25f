// @ts-check
// The causation explorer's script. Everything from the API reaches the page as text nodes or checked
// attribute values, never as markup. What is shown lives in the address's fragment
// (#trace=…&stream=…&version=…), so every view is a link the browser's history and other tabs can follow.

const keyItem = 'procession.apiKey';

// The shapes the page reads are the API's wire contract, as JSON delivers them (times as strings).
/** @typedef {import('../contract').AsJson<import('../contract').TraceNode>} TraceNode */
/** @typedef {import('../contract').AsJson<import('../contract').StreamView>} Stream */
/** @typedef {Stream['events'][number]} StoredEvent */
/** @typedef {import('../contract').AsJson<import('../contract').Trace>} Trace */
/** @typedef {import('../contract').AsJson<import('../contract').SagaView>} SagaView */

class ApiFailure extends Error {
  /**
   * @param {number} status
   * @param {string} message
   */
  constructor(status, message) {
    super(message);
    this.status = status;
  }
}

/**
 * @template {HTMLElement} T
 * @param {string} id
 * @param {new () => T} type
 * @returns {T}
 */
function byId(id, type) {
  const element = document.getElementById(id);
  if (!(element instanceof type)) throw new Error(`The page has no ${type.name} #${id}`);
  return element;
}

const page = {
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

/**
 * An element with text children; attributes are set one by one, so no value is ever parsed as markup.
 * @param {string} tag
 * @param {Record<string, string>} [attributes]
 * @param {Array<Node | string | null | undefined>} children
 * @returns {HTMLElement}
 */
function element(tag, attributes = {}, ...children) {
  const created = document.createElement(tag);
  for (const [name, value] of Object.entries(attributes)) created.setAttribute(name, value);
  for (const child of children) if (child !== null && child !== undefined) created.append(child);
  return created;
}

/**
 * The nodes that are there: views leave out the parts that do not apply as null.
 * @param {Array<Node | string | null>} nodes
 * @returns {Array<Node | string>}
 */
const present = (...nodes) => nodes.flatMap((node) => (node === null ? [] : [node]));

/** Only web addresses become links: a `javascript:` URL from the data must not run on a click. */
const webAddress = (/** @type {string | null | undefined} */ url) => {
  if (!url) return null;
  try {
    const parsed = new URL(url, location.href);
    return parsed.protocol === 'http:' || parsed.protocol === 'https:' ? parsed.href : null;
  } catch {
    return null;
  }
};

/**
 * A link to another view of this page.
 * @param {Record<string, string>} view
 */
const viewLink = (view) => `#${new URLSearchParams(view)}`;

/** @param {string} time an ISO time */
function timeElement(time) {
  const date = new Date(time);
  const shown = Number.isNaN(date.getTime())
    ? time
    : `${date.toISOString().slice(0, 10)} ${date.toISOString().slice(11, 23)} UTC`;
  return element('time', { datetime: time }, shown);
}

const json = (/** @type {unknown} */ value) => JSON.stringify(value, null, 2) ?? 'undefined';

// --- the API ------------------------------------------------------------------------------------------

const storedKey = () => sessionStorage.getItem(keyItem);

/**
 * GETs an API route relative to the API's root (the page lives at <root>/explorer/).
 * @param {string} path without its leading slash
 * @returns {Promise<any>}
 */
async function getJson(path) {
  const key = storedKey();
  if (!key) throw new ApiFailure(401, 'Enter an API key first.');
  const response = await fetch(new URL(`../${path}`, location.href), {
    headers: { authorization: `Bearer ${key}`, accept: 'application/json' },
  });
  const body = await response.json().catch(() => null);
  if (!response.ok) {
    const message = typeof body?.message === 'string' ? body.message : `HTTP ${response.status}`;
    throw new ApiFailure(response.status, message);
  }
  return body;
}

const segment = encodeURIComponent;

/**
 * The correlation ids an id names, trying it as the kind asked or, for "any", as each kind in turn.
 * @param {string} kind
 * @param {string} id
 * @returns {Promise<string[]>}
 */
async function correlationsOf(kind, id) {
  const attempts = {
    correlation: async () => ((await getJson(`trace/${segment(id)}`)) ? [id] : []),
    stream: async () => (await getJson(`trace?streamId=${segment(id)}`)).correlationIds,
    workflow: async () => (await getJson(`trace?workflowId=${segment(id)}`)).correlationIds,
  };
  const order =
    kind === 'any' ? /** @type {const} */ (['correlation', 'stream', 'workflow']) : [kindOf(kind)];
  /** @type {string[]} */
  const misses = [];
  for (const each of order) {
    try {
      return await attempts[each]();
    } catch (error) {
      // A 400 here is an id that cannot be of this kind (a stream id's characters): try the next one.
      if (!(error instanceof ApiFailure) || (error.status !== 404 && error.status !== 400)) throw error;
      misses.push(error.message);
    }
  }
  throw new ApiFailure(404, misses.join(' — '));
}

/** @param {string} kind @returns {'correlation' | 'stream' | 'workflow'} */
function kindOf(kind) {
  if (kind === 'correlation' || kind === 'stream' || kind === 'workflow') return kind;
  throw new Error(`Unknown search kind ${kind}`);
}

// --- messages and the key -----------------------------------------------------------------------------

/** @param {string} text @param {'info' | 'error'} [tone] */
function say(text, tone = 'info') {
  page.message.textContent = text;
  page.message.className = tone;
}

/** @param {unknown} error */
function sayFailure(error) {
  if (error instanceof ApiFailure && error.status === 401 && storedKey())
    say(`The API refused the key: ${error.message}`, 'error');
  else say(error instanceof Error ? error.message : String(error), 'error');
}

function showKeyStatus() {
  page.keyStatus.textContent = storedKey()
    ? 'A key is set for this tab; it is sent as Authorization: Bearer with every request.'
    : 'No key yet: it is kept in this tab only, until you close it.';
  page.forgetKey.hidden = !storedKey();
}

// --- the tree -----------------------------------------------------------------------------------------

/**
 * One term of a description list, grouped in a div so the pair wraps as one.
 * @param {string} label
 * @param {Node | string} value
 */
const detail = (label, value) => element('div', {}, element('dt', {}, label), element('dd', {}, value));

/**
 * @param {TraceNode} node
 * @param {string} correlationId
 */
function nodeCard(node, correlationId) {
  /** @type {HTMLElement[]} */
  const facts = [detail('time', timeElement(node.time))];
  /** @type {HTMLElement[]} */
  const links = [];
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
    links.push(
      element(
        'a',
        {
          href: viewLink({
            trace: correlationId,
            stream: node.streamId,
            version: String(node.streamVersion),
          }),
        },
        `Playback of ${node.streamId} at version ${node.streamVersion}`,
      ),
    );
  }
  if (node.kind === 'saga' && node.workflowId) {
    facts.push(detail('workflow', node.workflowId));
    facts.push(detail('status', node.status ?? 'unknown (Temporal did not answer)'));
    if (node.delivery) facts.push(detail('started by', node.delivery === 'start' ? 'a start' : 'a signal'));
    if (node.signalledBy?.length) facts.push(detail('signalled by', `${node.signalledBy.length} event(s)`));
    links.push(
      element('a', { href: viewLink({ trace: correlationId, saga: node.workflowId }) }, 'Saga details'),
    );
    const ui = webAddress(node.uiUrl);
    if (ui)
      links.push(
        element('a', { href: ui, target: '_blank', rel: 'noopener noreferrer' }, 'Open in Temporal Web UI'),
      );
  }
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
    element('dl', {}, ...facts),
    links.length
      ? element('p', { class: 'links' }, ...links.flatMap((link, i) => (i ? [' · ', link] : [link])))
      : null,
  );
}

/** @param {Trace} trace */
function showTrace(trace) {
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

// --- playback -----------------------------------------------------------------------------------------

/**
 * Every leaf of a state by its path (`lines[0].sku`), as JSON text so values compare by content.
 * @param {unknown} value
 * @param {string} path
 * @param {Map<string, string>} into
 */
function leaves(value, path, into) {
  const isObject = typeof value === 'object' && value !== null;
  const entries = isObject ? Object.entries(value) : [];
  if (!isObject || entries.length === 0) {
    into.set(path || '(state)', json(value));
    return into;
  }
  for (const [key, child] of entries) {
    const childPath = Array.isArray(value) ? `${path}[${key}]` : path ? `${path}.${key}` : key;
    leaves(child, childPath, into);
  }
  return into;
}

/**
 * What an event changed: each path added, changed or removed between the state before and after it.
 * @param {unknown} before undefined before a stream's first event
 * @param {unknown} after
 */
function stateDiff(before, after) {
  const old = before === undefined ? new Map() : leaves(before, '', new Map());
  const now = leaves(after, '', new Map());
  /** @type {Array<{ path: string; change: 'added' | 'changed' | 'removed'; before?: string; after?: string }>} */
  const changes = [];
  for (const [path, value] of now) {
    if (!old.has(path)) changes.push({ path, change: 'added', after: value });
    else if (old.get(path) !== value)
      changes.push({ path, change: 'changed', before: old.get(path), after: value });
  }
  for (const [path, value] of old)
    if (!now.has(path)) changes.push({ path, change: 'removed', before: value });
  return changes;
}

/** @param {ReturnType<typeof stateDiff>} changes */
function diffTable(changes) {
  if (changes.length === 0) return element('p', {}, 'This event changed nothing in the state.');
  return element(
    'table',
    { class: 'diff' },
    element('caption', {}, 'Keys the event added, changed or removed'),
    element(
      'thead',
      {},
      element(
        'tr',
        {},
        ...['key', 'change', 'before', 'after'].map((name) => element('th', { scope: 'col' }, name)),
      ),
    ),
    element(
      'tbody',
      {},
      ...changes.map((change) =>
        element(
          'tr',
          { class: `change-${change.change}` },
          element('th', { scope: 'row' }, element('code', {}, change.path)),
          element('td', {}, change.change),
          element('td', {}, change.before === undefined ? '' : element('code', {}, change.before)),
          element('td', {}, change.after === undefined ? '' : element('code', {}, change.after)),
        ),
      ),
    ),
  );
}

/**
 * @param {string} streamId
 * @param {number} version
 * @param {string | undefined} correlationId
 */
async function showPlayback(streamId, version, correlationId) {
  const path = `streams/${segment(streamId)}`;
  /** @type {[Stream, Stream, Stream | undefined]} */
  const [whole, at, before] = await Promise.all([
    getJson(path),
    getJson(`${path}?upToVersion=${version}`),
    version > 1 ? getJson(`${path}?upToVersion=${version - 1}`) : Promise.resolve(undefined),
  ]);
  const event = whole.events.find((each) => each.streamVersion === version);
  /** @param {number} v */
  const versionLink = (v) =>
    viewLink({ ...(correlationId ? { trace: correlationId } : {}), stream: streamId, version: String(v) });
  const versions = element(
    'ol',
    { class: 'versions' },
    ...whole.events.map((each) => {
      const label = `version ${each.streamVersion}: ${each.type}`;
      return element(
        'li',
        {},
        each.streamVersion === version
          ? element('a', { href: versionLink(each.streamVersion), 'aria-current': 'page' }, label)
          : element('a', { href: versionLink(each.streamVersion) }, label),
      );
    }),
  );
  page.detailHeading.textContent = `Playback of ${streamId}`;
  page.detailBody.replaceChildren(
    ...present(
      element('p', {}, `Version ${at.version} of ${whole.version}.`),
      element('nav', { 'aria-label': `Versions of ${streamId}` }, versions),
      element(
        'h3',
        {},
        event ? `What version ${version} (${event.type}) changed` : `What version ${version} changed`,
      ),
      version === 1 ? element('p', {}, 'The first event: every key of the state is new.') : null,
      diffTable(stateDiff(before?.state, at.state)),
      event
        ? element(
            'details',
            {},
            element('summary', {}, `The ${event.type} event's data`),
            element(
              'p',
              {},
              'Recorded ',
              timeElement(event.recordedAt),
              ` at global position ${event.globalPosition}.`,
            ),
            element('pre', {}, json(event.data)),
          )
        : null,
      element('h3', {}, `State at version ${at.version}`),
      element(
        'pre',
        { class: 'state', 'aria-label': `State of ${streamId} at version ${at.version}` },
        json(at.state),
      ),
    ),
  );
  page.detail.hidden = false;
}

// --- a saga -------------------------------------------------------------------------------------------

/** @param {string} workflowId */
async function showSaga(workflowId) {
  const saga = /** @type {SagaView} */ (await getJson(`sagas/${segment(workflowId)}`));
  const ui = webAddress(saga.uiUrl);
  const activities = saga.activities ?? [];
  page.detailHeading.textContent = `Saga ${saga.workflowType}`;
  page.detailBody.replaceChildren(
    ...present(
      element(
        'dl',
        {},
        detail('workflow', saga.workflowId),
        detail('status', saga.status),
        detail('started', timeElement(saga.startTime)),
        detail('closed', saga.closeTime ? timeElement(saga.closeTime) : 'still running'),
      ),
      ui
        ? element(
            'p',
            {},
            element(
              'a',
              { href: ui, target: '_blank', rel: 'noopener noreferrer' },
              'Open in Temporal Web UI',
            ),
          )
        : null,
      element('h3', {}, 'Activities'),
      saga.activities === null
        ? element('p', {}, 'Its history could not be read in time.')
        : element(
            'table',
            {},
            element('caption', {}, 'What the saga ran, in order, as its history tells it'),
            element(
              'thead',
              {},
              element(
                'tr',
                {},
                ...['step', 'command', 'status', 'failure'].map((name) =>
                  element('th', { scope: 'col' }, name),
                ),
              ),
            ),
            element(
              'tbody',
              {},
              ...activities.map((activity) =>
                element(
                  'tr',
                  {},
                  element('th', { scope: 'row' }, activity.step ?? activity.activityType),
                  element('td', {}, (activity.commandType ?? '') + (activity.compensation ? ' (undo)' : '')),
                  element('td', {}, activity.status),
                  element('td', {}, activity.failure ?? ''),
                ),
              ),
            ),
          ),
      element('h3', {}, 'Progress'),
      element('pre', {}, json(saga.progress)),
    ),
  );
  page.detail.hidden = false;
}

// --- the views ----------------------------------------------------------------------------------------

/** @type {string | undefined} */
let shownTrace;

async function showView() {
  const view = new URLSearchParams(location.hash.slice(1));
  const correlationId = view.get('trace') ?? undefined;
  const streamId = view.get('stream');
  const version = Number(view.get('version'));
  const workflowId = view.get('saga');
  if (!storedKey()) {
    if (location.hash) say('Enter an API key to see this view.');
    return;
  }
  try {
    if (correlationId && correlationId !== shownTrace) {
      say(`Loading the trace of ${correlationId}…`);
      showTrace(await getJson(`trace/${segment(correlationId)}`));
      shownTrace = correlationId;
      say('');
      // Focus follows what was asked for, so a screen reader reads the new content, not the old place.
      if (!streamId && !workflowId) page.traceHeading.focus();
    }
    if (streamId && Number.isInteger(version) && version >= 1) {
      await showPlayback(streamId, version, correlationId);
      page.detailHeading.focus();
    } else if (workflowId) {
      await showSaga(workflowId);
      page.detailHeading.focus();
    } else {
      page.detail.hidden = true;
    }
  } catch (error) {
    sayFailure(error);
  }
}

page.keyForm.addEventListener('submit', (submitted) => {
  submitted.preventDefault();
  sessionStorage.setItem(keyItem, page.keyInput.value.trim());
  page.keyInput.value = '';
  showKeyStatus();
  say('Key set.');
  shownTrace = undefined;
  void showView();
});

page.forgetKey.addEventListener('click', () => {
  sessionStorage.removeItem(keyItem);
  showKeyStatus();
  say('Key forgotten.');
});

page.searchForm.addEventListener('submit', async (submitted) => {
  submitted.preventDefault();
  const id = page.searchId.value.trim();
  page.choices.hidden = true;
  say(`Looking for ${id}…`);
  try {
    const correlationIds = await correlationsOf(page.searchKind.value, id);
    if (correlationIds.length === 0) {
      say(`${id} belongs to no correlation.`, 'error');
    } else if (correlationIds.length === 1) {
      say('');
      const view = viewLink({ trace: /** @type {string} */ (correlationIds[0]) });
      // The same view again fires no hashchange: show it anew (the key may have changed since).
      if (location.hash === view) {
        shownTrace = undefined;
        void showView();
      } else location.hash = view.slice(1);
    } else {
      say(`${id} belongs to ${correlationIds.length} correlations: pick one.`);
      page.choiceList.replaceChildren(
        ...correlationIds.map((each) =>
          element('li', {}, element('a', { href: viewLink({ trace: each }) }, each)),
        ),
      );
      page.choices.hidden = false;
    }
  } catch (error) {
    sayFailure(error);
  }
});

window.addEventListener('hashchange', () => void showView());
showKeyStatus();
void showView();
