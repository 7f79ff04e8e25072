/** HTTP calls to a test app as a signed-in user (a bearer token per name), and their answers. */

interface RequestingApp {
  request(path: string, init: RequestInit): Response | Promise<Response>;
}

/**
 * `call(who, method, path, body?)` sends JSON as `who`. `app` is read at each call, so a test may
 * build its app in beforeAll after making the caller.
 */
export function bearerCaller<Who extends string>(app: () => RequestingApp, tokens: Record<Who, string>) {
  return (who: Who, method: string, path: string, body?: unknown): Promise<Response> =>
    Promise.resolve(
      app().request(path, {
        method,
        headers: { Authorization: `Bearer ${tokens[who]}`, Accept: 'application/json', ...(body !== undefined ? { 'Content-Type': 'application/json' } : {}) },
        ...(body !== undefined ? { body: JSON.stringify(body) } : {}),
      }),
    );
}

/** The JSON body of an answer. */
export const jsonOf = async <T>(res: Response | Promise<Response>): Promise<T> => (await (await res).json()) as T;

/** The message of an `{error: {message}}` answer. */
export const errorMessage = async (res: Response): Promise<string> => ((await res.json()) as { error: { message: string } }).error.message;
