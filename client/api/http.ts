/**
 * JSON over HTTP to the Carnet server (same origin). Every failure becomes an
 * ApiError carrying the server's message, so views show what went wrong and where.
 */

/** Where a server error points, when it knows. Line and column are 1-based. */
export interface ErrorDetail {
  message: string;
  /** HTTP status of the answer that carried the error, when there was one. */
  status?: number;
  kind?: string;
  cellId?: string;
  cellName?: string;
  line?: number;
  column?: number;
}

export class ApiError extends Error {
  constructor(
    readonly status: number,
    public detail: ErrorDetail,
  ) {
    super(detail.message);
    this.name = 'ApiError';
    if (status > 0 && detail.status === undefined) this.detail = { ...detail, status };
  }
}

let unauthorized: () => void = () => {};

/** Called when any API answer is 401 (the session ended): the shell sends the page to sign-in. */
export function onUnauthorized(handler: () => void): void {
  unauthorized = handler;
}

/** Reads `{error:{message,…}}` from a failed response, or describes the status when the body is not that. */
export async function errorFrom(res: Response): Promise<ApiError> {
  if (res.status === 401) unauthorized();
  let body: unknown = null;
  try {
    body = await res.json();
  } catch {
    // Not JSON: a proxy page or an empty body.
  }
  return new ApiError(res.status, parseErrorBody(body) ?? { message: `${res.status} ${res.statusText}`.trim() });
}

/** Validates the server's error shape; undefined when the body is not one. */
export function parseErrorBody(body: unknown): ErrorDetail | undefined {
  if (!isRecord(body) || !isRecord(body.error) || typeof body.error.message !== 'string') return undefined;
  const e = body.error;
  return {
    message: e.message as string,
    kind: optString(e.kind),
    cellId: optString(e.cellId),
    cellName: optString(e.cellName),
    line: optPositive(e.line),
    column: optPositive(e.column),
  };
}

/** GET/POST/PATCH/DELETE with a JSON body; resolves to the parsed JSON answer. */
export async function requestJson(method: string, path: string, body?: unknown): Promise<unknown> {
  let res: Response;
  try {
    res = await fetch(path, {
      method,
      headers: body === undefined ? { Accept: 'application/json' } : { Accept: 'application/json', 'Content-Type': 'application/json' },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
  } catch (err) {
    throw new ApiError(0, { message: `${method} ${path}: ${(err as Error).message}`, kind: 'network' });
  }
  if (!res.ok) throw await errorFrom(res);
  return res.status === 204 ? null : res.json();
}

export const getJson = (path: string) => requestJson('GET', path);

export function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

export function optString(v: unknown): string | undefined {
  return typeof v === 'string' ? v : undefined;
}

function optPositive(v: unknown): number | undefined {
  return typeof v === 'number' && Number.isInteger(v) && v > 0 ? v : undefined;
}

/** Throws a readable error when the server answers a shape this client does not know. */
export function invalid(what: string, value: unknown): never {
  throw new ApiError(0, { message: `unexpected answer from the server for ${what}: ${JSON.stringify(value)?.slice(0, 200)}`, kind: 'protocol' });
}
