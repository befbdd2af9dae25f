// @ts-check
// The pages' API client (the explorer's and the admin page's): the key this tab keeps and the calls that send it.

const keyItem = 'procession.apiKey';

export class ApiFailure extends Error {
  /**
   * @param {number} status
   * @param {string} message
   */
  constructor(status, message) {
    super(message);
    this.status = status;
  }
}

export const storedKey = () => sessionStorage.getItem(keyItem);

/** @param {string} key */
export const storeKey = (key) => sessionStorage.setItem(keyItem, key);

export const forgetStoredKey = () => sessionStorage.removeItem(keyItem);

/**
 * GETs an API route relative to the API's root (the page lives at <root>/explorer/).
 * @param {string} path without its leading slash
 * @returns {Promise<any>}
 */
export async function getJson(path) {
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

/**
 * Sends a JSON body (or none) to an API route, with the key; answers the parsed body, or throws with the
 * API's own message.
 * @param {'POST'} method
 * @param {string} path without its leading slash
 * @param {unknown} [body]
 * @returns {Promise<any>}
 */
export async function sendJson(method, path, body) {
  const key = storedKey();
  if (!key) throw new ApiFailure(401, 'Enter an API key first.');
  /** @type {Record<string, string>} */
  const headers = { authorization: `Bearer ${key}`, accept: 'application/json' };
  if (body !== undefined) headers['content-type'] = 'application/json';
  const response = await fetch(new URL(`../${path}`, location.href), {
    method,
    headers,
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const answer = await response.json().catch(() => null);
  if (!response.ok) {
    const message = typeof answer?.message === 'string' ? answer.message : `HTTP ${response.status}`;
    throw new ApiFailure(response.status, message);
  }
  return answer;
}

export const segment = encodeURIComponent;

/**
 * The correlation ids an id names, trying it as the kind asked or, for "any", as each kind in turn.
 * @param {string} kind
 * @param {string} id
 * @returns {Promise<string[]>}
 */
export async function correlationsOf(kind, id) {
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
