import { gzipSync } from 'node:zlib';
import type { APIGatewayProxyResult } from 'aws-lambda';
import type { AdminError } from '../domain/admin-error';
import { type ScimError, toScimErrorBody } from '../scim/errors';
import { SCIM_CONTENT_TYPE } from './routes';

export interface HttpResult {
  status: number;
  body?: unknown;
  headers?: Record<string, string>;
}

const COMPRESS_ABOVE_BYTES = 1024;

/** Serialises a result; compresses with gzip when the client accepts it (Okta sends gzip,deflate). */
export function toApiGatewayResult(
  result: HttpResult,
  contentType: string,
  acceptEncoding: string | undefined,
): APIGatewayProxyResult {
  const headers: Record<string, string> = { ...result.headers };
  if (result.body === undefined) return { statusCode: result.status, headers, body: '' };
  const text = typeof result.body === 'string' ? result.body : JSON.stringify(result.body);
  headers['Content-Type'] = contentType;
  if (text.length > COMPRESS_ABOVE_BYTES && acceptsGzip(acceptEncoding)) {
    headers['Content-Encoding'] = 'gzip';
    headers.Vary = 'Accept-Encoding';
    return {
      statusCode: result.status,
      headers,
      body: gzipSync(Buffer.from(text, 'utf8')).toString('base64'),
      isBase64Encoded: true,
    };
  }
  return { statusCode: result.status, headers, body: text };
}

function acceptsGzip(acceptEncoding: string | undefined): boolean {
  if (!acceptEncoding) return false;
  return acceptEncoding
    .toLowerCase()
    .split(',')
    .some((part) => {
      const [coding, ...params] = part.trim().split(';');
      const q = params.find((p) => p.trim().startsWith('q='));
      return (coding === 'gzip' || coding === '*') && (!q || Number(q.trim().slice(2)) > 0);
    });
}

export function scimErrorResult(error: ScimError): HttpResult {
  return { status: error.status, body: toScimErrorBody(error), headers: error.headers };
}

export function adminErrorResult(error: AdminError): HttpResult {
  return { status: error.status, body: { error: error.error, message: error.message } };
}

export const SCIM_JSON = SCIM_CONTENT_TYPE;
export const ADMIN_JSON = 'application/json';
