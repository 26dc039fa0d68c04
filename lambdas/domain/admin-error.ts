/** The error type of the admin API; rendered as JSON `{error, message}` by lambdas/http. */
export class AdminError extends Error {
  readonly status: number;
  readonly error: string;

  constructor(status: number, error: string, message: string) {
    super(message);
    this.name = 'AdminError';
    this.status = status;
    this.error = error;
  }

  static badRequest(message: string): AdminError {
    return new AdminError(400, 'bad_request', message);
  }
  static notFound(message: string): AdminError {
    return new AdminError(404, 'not_found', message);
  }
  static conflict(message: string): AdminError {
    return new AdminError(409, 'conflict', message);
  }
}
