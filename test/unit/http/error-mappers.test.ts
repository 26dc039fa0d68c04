import {
  DeliveryFailedError,
  InvalidInputError,
  LimitExceededError,
  NotFoundError,
  PreconditionFailedError,
  StorageFailureError,
  UniquenessError,
  WriteConflictError,
} from '../../../lambdas/domain/errors';
import { adminErrorMapper, scimErrorMapper } from '../../../lambdas/http/error-mappers';
import { HttpExchangeError, MethodNotAllowedError } from '../../../lambdas/http/errors';
import { logger } from '../../../lambdas/http/logger';
import { ResponseTooLargeError } from '../../../lambdas/http/response';
import { RETRY_AFTER_SECONDS } from '../../../lambdas/http/routes';
import { SCIM_ERROR_SCHEMA, ScimError } from '../../../lambdas/scim/errors';
import { hasControlCharacters } from '../../support/control-characters';

const context = { requestId: 'req-123', path: '/scim/v2/{tenantId}/Users' };
const scim = (error: unknown) => scimErrorMapper(error, context);
const admin = (error: unknown) => adminErrorMapper(error, context);
const scimBody = (status: number, detail: string, scimType?: string) => ({
  schemas: [SCIM_ERROR_SCHEMA],
  status: String(status),
  detail,
  ...(scimType ? { scimType } : {}),
});

describe('the SCIM error mapper (RFC 7644 §3.12)', () => {
  test.each([
    [new InvalidInputError('bad value'), 400, 'invalidValue'],
    [new InvalidInputError('bad filter', { scimType: 'invalidFilter' }), 400, 'invalidFilter'],
    [new NotFoundError('User x not found'), 404, undefined],
    [new UniquenessError('userName taken'), 409, 'uniqueness'],
    [new PreconditionFailedError('stale'), 412, undefined],
    [new WriteConflictError('moved'), 412, undefined],
    [new LimitExceededError('too broad'), 400, 'tooMany'],
    [new DeliveryFailedError('SES said no'), 502, undefined],
    [new HttpExchangeError(415, 'unsupported_media_type', 'wrong type'), 415, undefined],
  ])('%s -> %i %s', (error, status, scimType) => {
    expect(scim(error)).toEqual({ status, body: scimBody(status, error.message, scimType) });
  });

  test('a protocol error keeps its status, scimType and headers', () => {
    const error = new ScimError(400, 'no such path', 'invalidPath');
    expect(scim(error)).toEqual({ status: 400, body: scimBody(400, 'no such path', 'invalidPath') });
  });

  test('405 lists the allowed methods in Allow', () => {
    const result = scim(new MethodNotAllowedError('PUT', '/scim/v2/t/Users', 'GET, POST'));
    expect(result.status).toBe(405);
    expect(result.headers).toEqual({ Allow: 'GET, POST' });
    expect(result.body).toEqual(scimBody(405, 'Method PUT not allowed on /scim/v2/t/Users'));
  });

  test('an answer too large for Lambda is 400 tooMany', () => {
    expect(scim(new ResponseTooLargeError(7_000_000))).toMatchObject({
      status: 400,
      body: { scimType: 'tooMany' },
    });
  });
});

describe('the admin error mapper ({error, message, fields?})', () => {
  test.each([
    [new InvalidInputError('bad'), 400, 'bad_request'],
    [new NotFoundError('Token t not found'), 404, 'not_found'],
    [new UniquenessError('taken'), 409, 'conflict'],
    [new WriteConflictError('changed concurrently'), 409, 'conflict'],
    [new LimitExceededError('at most 2 tokens'), 409, 'conflict'],
    [new PreconditionFailedError('stale'), 412, 'precondition_failed'],
    [new DeliveryFailedError('SES said no'), 502, 'send_failed'],
    [new HttpExchangeError(403, 'forbidden', 'not yours'), 403, 'forbidden'],
    [new ResponseTooLargeError(7_000_000), 400, 'too_large'],
  ])('%s -> %i %s', (error, status, code) => {
    expect(admin(error)).toEqual({ status, body: { error: code, message: error.message } });
  });

  test('the fields of an invalid input are named', () => {
    const error = new InvalidInputError('Invalid settings', {
      fields: [{ path: 'customAttributes[0].name', message: 'must be a string' }],
    });
    expect(admin(error).body).toEqual({
      error: 'bad_request',
      message: 'Invalid settings',
      fields: [{ path: 'customAttributes[0].name', message: 'must be a string' }],
    });
  });

  test('a protocol error raised by shared code keeps its status, with its scimType as the code', () => {
    expect(admin(new ScimError(400, 'bad path', 'invalidPath'))).toEqual({
      status: 400,
      body: { error: 'invalidPath', message: 'bad path' },
    });
  });

  test('405 names the allowed methods in the message', () => {
    expect(admin(new MethodNotAllowedError('PUT', '/x', 'GET, POST')).body).toEqual({
      error: 'method_not_allowed',
      message: 'Method PUT not allowed; use GET, POST',
    });
  });
});

describe('unexpected errors', () => {
  const raw = Object.assign(new Error('ProvisionedThroughputExceededException: table hot'), { secret: 's3' });

  test.each([
    ['SCIM', scim, scimBody(500, 'Internal error; request id req-123')],
    ['admin', admin, { error: 'internal_error', message: 'Internal error; request id req-123' }],
  ])('%s: a generic 500 with the request id, no detail of the error', (_api, map, body) => {
    const log = jest.spyOn(logger, 'error').mockImplementation(() => undefined);
    const result = map(raw);
    expect(result).toEqual({ status: 500, body });
    expect(JSON.stringify(result)).not.toContain('ProvisionedThroughput');
    log.mockRestore();
  });

  test('the log gets the error with its cause and the request id', () => {
    const log = jest.spyOn(logger, 'error').mockImplementation(() => undefined);
    const error = new Error('boom', { cause: raw });
    scim(error);
    expect(log).toHaveBeenCalledWith('Unhandled error', { requestId: 'req-123', path: context.path, error });
    log.mockRestore();
  });
});

describe('storage failures (the table unreachable or refusing)', () => {
  const raw = Object.assign(new Error('ProvisionedThroughputExceededException: table hot'), { secret: 's3' });
  const detail = `Storage is temporarily unavailable; retry in ${RETRY_AFTER_SECONDS} seconds (request id req-123)`;

  test.each([
    ['SCIM', scim, scimBody(503, detail)],
    ['admin', admin, { error: 'unavailable', message: detail }],
  ])('%s: 503 with Retry-After and the request id, no detail of the error', (_api, map, body) => {
    const log = jest.spyOn(logger, 'error').mockImplementation(() => undefined);
    const result = map(new StorageFailureError({ cause: raw }));
    expect(result).toEqual({ status: 503, body, headers: { 'Retry-After': String(RETRY_AFTER_SECONDS) } });
    expect(JSON.stringify(result)).not.toContain('ProvisionedThroughput');
    log.mockRestore();
  });

  test('the log gets the error with its cause and the request id', () => {
    const log = jest.spyOn(logger, 'error').mockImplementation(() => undefined);
    const error = new StorageFailureError({ cause: raw });
    scim(error);
    expect(log).toHaveBeenCalledWith('Storage unavailable', {
      requestId: 'req-123',
      path: context.path,
      error,
    });
    expect(error.cause).toBe(raw);
    log.mockRestore();
  });
});

describe('messages never carry control characters', () => {
  test.each([
    ['SCIM', (m: string) => (scim(new InvalidInputError(m)).body as { detail: string }).detail],
    ['admin', (m: string) => (admin(new InvalidInputError(m)).body as { message: string }).message],
  ])('%s: a message that forgot excerpt() still has none', (_api, render) => {
    const text = render('bad \r\nSet-Cookie: x\u0000\u001b[31m\u2028') as string;
    expect(hasControlCharacters(text)).toBe(false);
    expect(text).toContain('Set-Cookie: x');
  });
});
