// Typed errors the routes throw; the app's error handler turns them into the
// `{ "error": { "code", "message" } }` envelope with their status.

export class HttpError extends Error {
  constructor(
    readonly statusCode: number,
    readonly code: string,
    message: string,
    /** Extra top-level fields of the answer, e.g. the run_id a ping carried. */
    readonly extra: Record<string, unknown> = {},
  ) {
    super(message);
    this.name = 'HttpError';
  }
}

/** 400 with a machine-readable code. */
export function badRequest(code: string, message: string): HttpError {
  return new HttpError(400, code, message);
}

/** 404 with a machine-readable code. */
export function notFound(code: string, message: string): HttpError {
  return new HttpError(404, code, message);
}
