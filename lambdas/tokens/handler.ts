import type { IssuedTokenView, TokenList, TokenView } from '../contract/admin-api';
import { type IssuedToken, TokenService } from '../domain/token-service';
import { assertTenantId, tokenView } from '../domain/tokens';
import { statusChangeOf, tokenCreationOf } from '../http/admin-input';
import { scimBaseUrl } from '../http/base-url';
import { createHttpHandler, parseJsonBody } from '../http/handler';
import { adminActorOf, type HttpRequest } from '../http/request';
import { ADMIN_BASE } from '../http/routes';
import { DynamoTokenRepository } from '../store/token-repository';

/**
 * Token management (admin API): parse, call the token use case, shape the answer.
 * The secret appears only in the answers of create and renew.
 */
const tokens = new TokenService(new DynamoTokenRepository());

const withSecret = (request: HttpRequest, { token, secret }: IssuedToken): IssuedTokenView => ({
  id: token.id,
  token: secret,
  scimBaseUrl: scimBaseUrl(request, token.tenantId),
  status: token.status,
  createdAt: token.createdAt,
  idp: token.idp,
});

/** Answers that carry a secret must not be kept by a browser or a proxy (RFC 9111 §5.2.2.5). */
const NO_STORE = { 'Cache-Control': 'no-store' };

const tenantOf = (request: HttpRequest) => request.pathParameters.tenantId;
const tokenOf = (request: HttpRequest) => request.pathParameters.tokenId;

export const handler = createHttpHandler('admin', {
  [`${ADMIN_BASE}/tokens`]: {
    GET: async (request) => ({
      status: 200,
      body: { tokens: await tokens.list(tenantOf(request)) } satisfies TokenList,
    }),
    POST: async (request) => {
      assertTenantId(tenantOf(request));
      // No body, {} or {"idp": ...}: the IdP the token is for (okta when not given).
      const idp = tokenCreationOf(request.rawBody === undefined ? undefined : parseJsonBody(request));
      return {
        status: 201,
        headers: NO_STORE,
        body: withSecret(request, await tokens.create(adminActorOf(request), tenantOf(request), idp)),
      };
    },
  },
  [`${ADMIN_BASE}/tokens/{tokenId}`]: {
    GET: async (request) => ({
      status: 200,
      body: tokenView(await tokens.get(tenantOf(request), tokenOf(request))) satisfies TokenView,
    }),
    PATCH: async (request) => {
      const status = statusChangeOf(parseJsonBody(request));
      return {
        status: 200,
        body: tokenView(
          await tokens.setStatus(adminActorOf(request), tenantOf(request), tokenOf(request), status),
        ),
      };
    },
    DELETE: async (request) => {
      await tokens.remove(adminActorOf(request), tenantOf(request), tokenOf(request));
      return { status: 204 };
    },
  },
  [`${ADMIN_BASE}/tokens/{tokenId}/renew`]: {
    POST: async (request) => ({
      status: 200,
      headers: NO_STORE,
      body: withSecret(
        request,
        await tokens.renew(adminActorOf(request), tenantOf(request), tokenOf(request)),
      ),
    }),
  },
});
