import type { APIGatewayProxyEvent, APIGatewayProxyResult } from 'aws-lambda';
import { InviteLinkRefusedError } from '../domain/invite-links';
import { adminErrorMapper } from '../http/error-mappers';
import { ADMIN_JSON, type HttpResult, toApiGatewayResult } from '../http/response';
import { inviteLinks } from './compose';

/**
 * The public invitation link (no authorizer: the token's signature is the credential), served by the
 * admin API with its `{error, message}` answers (docs/events.md, "Invitation links"):
 * - GET /invite/{token}: reads only, never uses the link (mail scanners fetch links first);
 * - POST /invite/{token}: the vendor's page's verify call, uses the link once (conditional update).
 * A malformed, altered or unsigned token is 400 invalid_token (one answer, no oracle); a used,
 * expired or superseded one 410. Every answer is `Cache-Control: no-store`, and the token is never
 * logged (the error context names the route template only).
 */
const links = inviteLinks();

export const INVITE_ROUTE = '/invite/{token}';

const NO_STORE = { 'Cache-Control': 'no-store' };

const STATUS_OF_REFUSAL = {
  invalid_token: 400,
  invite_used: 410,
  invite_expired: 410,
  invite_superseded: 410,
} as const;

async function answer(event: APIGatewayProxyEvent): Promise<HttpResult> {
  const token = event.pathParameters?.token ?? '';
  try {
    if (event.httpMethod === 'GET') return { status: 200, body: await links.check(token) };
    if (event.httpMethod === 'POST') return { status: 200, body: await links.accept(token) };
    return {
      status: 405,
      headers: { Allow: 'GET, POST' },
      body: {
        error: 'method_not_allowed',
        message: 'Use GET (check) or POST (accept) on an invitation link',
      },
    };
  } catch (error) {
    if (error instanceof InviteLinkRefusedError) {
      return { status: STATUS_OF_REFUSAL[error.code], body: { error: error.code, message: error.message } };
    }
    return adminErrorMapper(error, {
      requestId: event.requestContext?.requestId ?? 'unknown',
      path: INVITE_ROUTE,
    });
  }
}

export async function handler(event: APIGatewayProxyEvent): Promise<APIGatewayProxyResult> {
  const result = await answer(event);
  return toApiGatewayResult(
    { ...result, headers: { ...result.headers, ...NO_STORE } },
    ADMIN_JSON,
    undefined,
  );
}
