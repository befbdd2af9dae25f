/** A failure the CLI reports as one line and a non-zero exit; `code` is the API's error code when it gave one. */
export class CliError extends Error {
  constructor(
    message: string,
    readonly code: string = 'Error',
    readonly status?: number,
    readonly exitCode = 1,
  ) {
    super(message);
    this.name = 'CliError';
  }
}

export interface ClientOptions {
  url: string;
  key?: string;
  /** Per request; the API answers in milliseconds, a hung connection should not hang a script. */
  timeoutMs?: number;
}

/** The Procession HTTP API as the CLI sees it: JSON in, JSON out, every failure a CliError that says what. */
export class ApiClient {
  readonly baseUrl: string;

  constructor(private readonly options: ClientOptions) {
    this.baseUrl = options.url.replace(/\/+$/, '');
  }

  get<T>(path: string): Promise<T> {
    return this.request<T>('GET', path);
  }

  post<T>(path: string, body?: unknown, headers: Record<string, string> = {}): Promise<T> {
    return this.request<T>('POST', path, body, headers);
  }

  private async request<T>(
    method: string,
    path: string,
    body?: unknown,
    extraHeaders: Record<string, string> = {},
  ): Promise<T> {
    const headers: Record<string, string> = { accept: 'application/json', ...extraHeaders };
    if (this.options.key) headers.authorization = `Bearer ${this.options.key}`;
    if (body !== undefined) headers['content-type'] = 'application/json';
    const url = `${this.baseUrl}${path}`;
    let response: Response;
    try {
      response = await fetch(url, {
        method,
        headers,
        body: body === undefined ? undefined : JSON.stringify(body),
        signal: AbortSignal.timeout(this.options.timeoutMs ?? 30_000),
      });
    } catch (error) {
      throw unreachable(this.baseUrl, error);
    }
    const text = await response.text();
    let json: unknown;
    try {
      json = text === '' ? undefined : JSON.parse(text);
    } catch {
      json = undefined;
    }
    if (!response.ok) {
      const { error, message } = (json ?? {}) as { error?: string; message?: string };
      const code = error ?? `HTTP ${response.status}`;
      throw new CliError(
        `${code}: ${message ?? (text.slice(0, 200) || response.statusText)}`,
        code,
        response.status,
      );
    }
    if (json === undefined)
      throw new CliError(`${method} ${url} answered ${response.status} without JSON`, 'BadResponse');
    return json as T;
  }
}

function unreachable(baseUrl: string, error: unknown): CliError {
  const cause = (error as { cause?: { code?: string; message?: string } }).cause;
  if ((error as Error).name === 'TimeoutError')
    return new CliError(`The Procession API at ${baseUrl} did not answer in time`, 'Timeout');
  const why = cause?.code ?? cause?.message ?? (error as Error).message;
  return new CliError(
    `Cannot reach the Procession API at ${baseUrl} (${why}); is it running? Set --url or PROCESSION_URL`,
    'Unreachable',
  );
}

export const encode = encodeURIComponent;
