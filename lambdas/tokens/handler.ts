import { AdminError } from '../domain/admin-error';
import {
  assertTenantId,
  generateSecret,
  hashSecret,
  newToken,
  parseStatusChange,
  type Token,
  tokenView,
} from '../domain/tokens';
import { createHttpHandler, parseJsonBody } from '../http/handler';
import type { HttpRequest } from '../http/request';
import { ADMIN_BASE } from '../http/routes';
import { DynamoTokenRepository } from '../store/token-repository';

/**
 * Token management (admin API). Thin: parse, call the repository, shape the answer.
 * The secret appears only in the answers of create and renew.
 */
const tokens = new DynamoTokenRepository();

export const scimBaseUrl = (request: HttpRequest, tenantId: string) =>
  `${request.baseUrl}/scim/v2/${tenantId}`;

const withSecret = (request: HttpRequest, token: Token, secret: string) => ({
  id: token.id,
  token: secret,
  scimBaseUrl: scimBaseUrl(request, token.tenantId),
  status: token.status,
  createdAt: token.createdAt,
});

const tenantOf = (request: HttpRequest) => assertTenantId(request.pathParameters.tenantId);

async function requireToken(request: HttpRequest): Promise<Token> {
  const tenantId = tenantOf(request);
  const tokenId = request.pathParameters.tokenId;
  const token = tokenId ? await tokens.get(tenantId, tokenId) : undefined;
  if (!token) throw AdminError.notFound(`Token ${tokenId} not found for tenant ${tenantId}`);
  return token;
}

export const handler = createHttpHandler('admin', {
  [`${ADMIN_BASE}/tokens`]: {
    GET: async (request) => {
      const list = await tokens.list(tenantOf(request));
      return { status: 200, body: { tokens: list.map(tokenView) } };
    },
    POST: async (request) => {
      const tenantId = tenantOf(request);
      if (request.rawBody !== undefined) {
        const body = parseJsonBody('admin', request);
        if (
          body === null ||
          typeof body !== 'object' ||
          Array.isArray(body) ||
          Object.keys(body).length > 0
        ) {
          throw AdminError.badRequest('Token creation takes no fields; send no body or {}');
        }
      }
      const { token, secret } = newToken(tenantId, new Date());
      await tokens.create(token);
      return { status: 201, body: withSecret(request, token, secret) };
    },
  },
  [`${ADMIN_BASE}/tokens/{tokenId}`]: {
    GET: async (request) => ({ status: 200, body: tokenView(await requireToken(request)) }),
    PATCH: async (request) => {
      const status = parseStatusChange(parseJsonBody('admin', request));
      const token = await requireToken(request);
      const updated = await tokens.setStatus(token, status);
      return { status: 200, body: tokenView(updated) };
    },
    DELETE: async (request) => {
      const token = await requireToken(request);
      await tokens.remove(token);
      return { status: 204 };
    },
  },
  [`${ADMIN_BASE}/tokens/{tokenId}/renew`]: {
    POST: async (request) => {
      const token = await requireToken(request);
      const secret = generateSecret();
      const renewed = await tokens.replaceSecret(token, hashSecret(secret), secret.slice(-4));
      return { status: 200, body: withSecret(request, renewed, secret) };
    },
  },
});
