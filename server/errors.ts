/**
 * Domain errors carry the HTTP status they map to; server/http/errors.ts is the one
 * place that turns them into responses.
 */
export class CarnetError extends Error {
  constructor(
    message: string,
    readonly status: 400 | 403 | 404 | 409 | 413 | 500 | 503,
    readonly details: Record<string, unknown> = {},
  ) {
    super(message);
    this.name = new.target.name;
  }
}

export class BadRequestError extends CarnetError {
  constructor(message: string, details: Record<string, unknown> = {}) {
    super(message, 400, details);
  }
}

export class NotFoundError extends CarnetError {
  constructor(message: string) {
    super(message, 404);
  }
}

export class ConflictError extends CarnetError {
  constructor(message: string) {
    super(message, 409);
  }
}
