import type { APIGatewayAuthorizerResult, APIGatewayRequestAuthorizerEvent, Context } from 'aws-lambda';
import { logger, logTenant, startInvocation } from '../config/observability';
import { type AuthorizationDecision, authorizeBearer } from '../domain/authorize-token';
import { StorageFailureError } from '../domain/errors';
import { refusalLogEntry } from '../http/request-log-entry';
import { GATEWAY_RESPONSES } from '../http/routes';
import { requestLogSink } from '../store/request-log-sink';
import { DynamoTokenRepository } from '../store/token-repository';

const tokens = new DynamoTokenRepository();
const requestLog = requestLogSink();

/**
 * REQUEST Lambda authorizer of the SCIM routes. Throwing 'Unauthorized' makes API Gateway answer
 * 401 through the UNAUTHORIZED Gateway Response (SCIM Error body); the local adapter does the same.
 * API Gateway caches the result per Authorization header for 5 s (REST authorizers cannot key the
 * cache on a path parameter), so the allow policy covers exactly this tenant's SCIM tree: a cached
 * decision replayed on another tenant's URL is denied (ACCESS_DENIED -> the SCIM 401).
 * When the token table cannot be read the token is not bad: any other error makes API Gateway answer
 * AUTHORIZER_FAILURE, configured as a SCIM 503 with Retry-After (the local adapter does the same).
 */
export async function handler(
  event: APIGatewayRequestAuthorizerEvent,
  context?: Context,
): Promise<APIGatewayAuthorizerResult> {
  startInvocation(context);
  const headers = Object.fromEntries(
    Object.entries(event.headers ?? {}).map(([name, value]) => [name.toLowerCase(), value]),
  );
  const tenantId = event.pathParameters?.tenantId;
  // The path's tenant, on the log lines of this call: the token's tenant is checked against it.
  logTenant(tenantId);
  const at = new Date();
  const started = performance.now();
  // A refused call never reaches a handler: the authorizer records it for the path's tenant.
  const refused = (status: number, detail: string, token?: { tokenId?: string; idp?: string }) => {
    const entry = refusalLogEntry(event, {
      status,
      detail,
      at,
      latencyMs: performance.now() - started,
      token,
    });
    if (entry) requestLog.record(entry);
  };
  let decision: AuthorizationDecision;
  try {
    decision = await authorizeBearer(tokens, headers.authorization, tenantId, new Date());
  } catch (error) {
    // Never 'Unauthorized': the IdP would stop provisioning for a credential that is fine.
    logger.error('SCIM authorizer could not check the token', {
      reason: error instanceof StorageFailureError ? 'storage unavailable' : 'unexpected error',
      tenantId,
      error: error as Error,
    });
    refused(GATEWAY_RESPONSES.authorizerFailure.statusCode, GATEWAY_RESPONSES.authorizerFailure.detail);
    throw new Error('Authorizer unavailable', { cause: error });
  }
  if (!decision.allowed) {
    // The reason is logged for the operator; the token itself never is.
    logger.info('SCIM request refused', { reason: decision.reason, tenantId });
    refused(GATEWAY_RESPONSES.unauthorized.statusCode, GATEWAY_RESPONSES.unauthorized.detail, decision);
    throw new Error('Unauthorized');
  }
  return {
    principalId: `${decision.tenantId}/${decision.tokenId}`,
    policyDocument: {
      Version: '2012-10-17',
      Statement: [
        {
          Action: 'execute-api:Invoke',
          Effect: 'Allow',
          Resource: tenantResourceArn(event.methodArn, decision.tenantId),
        },
      ],
    },
    // Context values are strings; the idp names the Source of what this request creates.
    context: { tenantId: decision.tenantId, tokenId: decision.tokenId, idp: decision.idp },
  };
}

/** arn:aws:execute-api:region:account:api/stage/METHOD/path -> .../stage/*\/scim/v2/<tenant>/* */
export function tenantResourceArn(methodArn: string, tenantId: string): string {
  const [prefix, stage] = methodArn.split('/');
  return `${prefix}/${stage}/*/scim/v2/${tenantId}/*`;
}
