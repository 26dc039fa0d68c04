import {
  DeliveryFailedError,
  type FieldError,
  InvalidInputError,
  LimitExceededError,
  NotFoundError,
  PreconditionFailedError,
  StorageFailureError,
  UniquenessError,
  WriteConflictError,
} from '../domain/errors';
import { ScimError, toScimErrorBody } from '../scim/errors';
import { excerpt, withoutControlCharacters } from '../scim/excerpt';
import { HttpExchangeError, MethodNotAllowedError } from './errors';
import { logger } from './logger';
import { type HttpResult, ResponseTooLargeError } from './response';
import { RETRY_AFTER_SECONDS } from './routes';

/** What a mapper knows of the request, for the log line of an unexpected error. */
export interface ErrorContext {
  requestId: string;
  path: string;
}

/** Renders any error as one API's answer. */
export type ErrorMapper = (error: unknown, context: ErrorContext) => HttpResult;

/**
 * SCIM routes: the SCIM Error schema (RFC 7644 §3.12). Protocol errors keep their own status and
 * scimType; domain errors get theirs here; anything unexpected is a generic 500 with the request id.
 */
export const scimErrorMapper: ErrorMapper = (error, context) => {
  const scim = (status: number, detail: string, scimType?: ScimError['scimType']) =>
    scimResult(new ScimError(status, detail, scimType));
  if (error instanceof ScimError) return scimResult(error);
  if (error instanceof InvalidInputError) return scim(400, error.message, error.scimType);
  if (error instanceof NotFoundError) return scim(404, error.message);
  if (error instanceof UniquenessError) return scim(409, error.message, 'uniqueness');
  if (error instanceof PreconditionFailedError || error instanceof WriteConflictError)
    return scim(412, error.message);
  if (error instanceof LimitExceededError || error instanceof ResponseTooLargeError)
    return scim(400, error.message, 'tooMany');
  if (error instanceof DeliveryFailedError) return scim(502, error.message);
  if (error instanceof MethodNotAllowedError) {
    return scimResult(new ScimError(405, error.message, undefined, { Allow: error.allow }));
  }
  if (error instanceof HttpExchangeError) return scim(error.status, error.message);
  if (error instanceof StorageFailureError) {
    return scimResult(new ScimError(503, unavailable(error, context), undefined, retryAfter()));
  }
  return scim(500, internalError(error, context));
};

/** Admin routes: `{error, message, fields?}` with a stable `error` code per kind. */
export const adminErrorMapper: ErrorMapper = (error, context) => {
  const admin = (
    status: number,
    code: string,
    message: string,
    fields?: FieldError[],
    headers?: Record<string, string>,
  ) => ({
    status,
    ...(headers ? { headers } : {}),
    body: {
      error: code,
      message: withoutControlCharacters(message),
      ...(fields?.length ? { fields: fields.map(cleanField) } : {}),
    },
  });
  if (error instanceof InvalidInputError) return admin(400, 'bad_request', error.message, error.fields);
  if (error instanceof NotFoundError) return admin(404, 'not_found', error.message);
  if (
    error instanceof UniquenessError ||
    error instanceof WriteConflictError ||
    error instanceof LimitExceededError
  ) {
    return admin(409, 'conflict', error.message);
  }
  if (error instanceof PreconditionFailedError) return admin(412, 'precondition_failed', error.message);
  if (error instanceof DeliveryFailedError) return admin(502, 'send_failed', error.message);
  if (error instanceof ResponseTooLargeError) return admin(400, 'too_large', error.message);
  // A protocol error raised by shared code on an admin route keeps its status and message.
  if (error instanceof ScimError) return admin(error.status, error.scimType ?? 'error', error.message);
  if (error instanceof MethodNotAllowedError) {
    return admin(
      405,
      'method_not_allowed',
      `Method ${excerpt(error.method)} not allowed; use ${error.allow}`,
    );
  }
  if (error instanceof HttpExchangeError) return admin(error.status, error.code, error.message);
  if (error instanceof StorageFailureError) {
    return admin(503, 'unavailable', unavailable(error, context), undefined, retryAfter());
  }
  return admin(500, 'internal_error', internalError(error, context));
};

const cleanField = (field: FieldError): FieldError => ({
  path: withoutControlCharacters(field.path),
  message: withoutControlCharacters(field.message),
});

/**
 * Every message names client input through `excerpt` (scim/excerpt.ts); stripping control
 * characters once more here keeps a message that forgot to from putting them into an answer.
 */
function scimResult(error: ScimError): HttpResult {
  const body = toScimErrorBody(error);
  return {
    status: error.status,
    body: { ...body, detail: withoutControlCharacters(body.detail) },
    headers: error.headers,
  };
}

const retryAfter = () => ({ 'Retry-After': String(RETRY_AFTER_SECONDS) });

/**
 * The table could not be reached or refused the request (StorageFailureError): a 503 with
 * Retry-After, so Okta and Entra retry the request instead of recording a failure
 * (docs/decisions.md). The cause goes to the log, like any unexpected error.
 */
function unavailable(error: StorageFailureError, context: ErrorContext): string {
  logger.error('Storage unavailable', { requestId: context.requestId, path: context.path, error });
  return `Storage is temporarily unavailable; retry in ${RETRY_AFTER_SECONDS} seconds (request id ${context.requestId})`;
}

/** The details (with every `cause`) go to the log; the client gets the request id to quote. */
function internalError(error: unknown, context: ErrorContext): string {
  logger.error('Unhandled error', {
    requestId: context.requestId,
    path: context.path,
    error: error as Error,
  });
  return `Internal error; request id ${context.requestId}`;
}
