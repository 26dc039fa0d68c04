import { excerpt } from '../scim/excerpt';

/**
 * Errors of the HTTP exchange itself, before or after a use case runs: no such method, a body too
 * large or of the wrong media type, a caller who is not signed in or not allowed, an answer too large
 * for Lambda. Each API's mapper (error-mappers.ts) words them in its own format.
 */
export class HttpExchangeError extends Error {
  constructor(
    readonly status: 401 | 403 | 413 | 415,
    /** The admin API's `error` code. */
    readonly code: string,
    message: string,
  ) {
    super(message);
    this.name = 'HttpExchangeError';
  }
}

/** RFC 9110 §15.5.6: the route exists, the method does not; the answer lists the allowed ones. */
export class MethodNotAllowedError extends Error {
  constructor(
    readonly method: string,
    readonly path: string,
    readonly allow: string,
  ) {
    super(`Method ${excerpt(method)} not allowed on ${excerpt(path)}`);
    this.name = 'MethodNotAllowedError';
  }
}
