import type { IncomingMessage } from 'node:http';
import type { APIGatewayProxyEvent, APIGatewayProxyResult } from 'aws-lambda';
import type { LocalRoute } from './adapter';

/**
 * The page the local invitation link opens (`GET /local/invite?token=…`, INVITE_URL_TEMPLATE's local
 * default): what a vendor's page would do with the public verify API. Opening it only checks the link
 * (GET /invite/{token}: a mail scanner opening it uses nothing); "Accept invitation" is a plain form
 * POST to `/local/invite`, which calls POST /invite/{token} — the same handler, in this process.
 * No script at all (the CSP allows none), no referrer (the token is in the URL), never cached.
 */
export const INVITE_PAGE_PATH = '/local/invite';

type ProxyHandler = (event: APIGatewayProxyEvent) => Promise<APIGatewayProxyResult>;

const MAX_FORM_BYTES = 4096;

/** `GET /local/invite` and `POST /local/invite`, as local routes of the adapter (local/service.ts). */
export function invitePageRoutes(
  invitesHandler: () => ProxyHandler = () => require('../lambdas/invites/handler').handler,
): Record<string, LocalRoute> {
  return {
    [`GET ${INVITE_PAGE_PATH}`]: async (req) => {
      const token = new URL(req.url ?? '/', 'http://localhost').searchParams.get('token') ?? '';
      const answer = await call(invitesHandler(), 'GET', token);
      return rendered(answer.status, pageOf('GET', token, answer));
    },
    [`POST ${INVITE_PAGE_PATH}`]: async (req) => {
      const token = new URLSearchParams(await readForm(req)).get('token') ?? '';
      const answer = await call(invitesHandler(), 'POST', token);
      return rendered(answer.status, pageOf('POST', token, answer));
    },
  };
}

interface Answer {
  status: number;
  body: Record<string, unknown>;
}

/** The public route's handler, called as API Gateway would (the token as the path parameter). */
async function call(handler: ProxyHandler, method: 'GET' | 'POST', token: string): Promise<Answer> {
  const event = {
    resource: '/invite/{token}',
    path: `/invite/${encodeURIComponent(token)}`,
    httpMethod: method,
    headers: {},
    multiValueHeaders: {},
    queryStringParameters: null,
    multiValueQueryStringParameters: null,
    pathParameters: { token },
    stageVariables: null,
    body: null,
    isBase64Encoded: false,
    requestContext: { requestId: 'local-invite-page', httpMethod: method } as never,
  } satisfies APIGatewayProxyEvent;
  const result = await handler(event);
  let body: Record<string, unknown> = {};
  try {
    body = JSON.parse(result.body) as Record<string, unknown>;
  } catch {
    body = {};
  }
  return { status: result.statusCode, body };
}

function pageOf(method: 'GET' | 'POST', token: string, answer: Answer): string {
  const { body } = answer;
  if (answer.status === 200 && body.state === 'valid') {
    return page(
      'Invitation valid',
      `<p data-state="valid">This invitation for <strong>${htmlText(body.userName)}</strong> (tenant ${htmlText(body.tenantId)}) is valid until ${htmlText(body.expiresAt)}.</p>
<form method="post" action="${INVITE_PAGE_PATH}">
<input type="hidden" name="token" value="${htmlText(token)}">
<button type="submit">Accept invitation</button>
</form>`,
    );
  }
  if (answer.status === 200 && body.state === 'accepted') {
    return page(
      'Invitation accepted',
      `<p data-state="accepted">Welcome, <strong>${htmlText(body.userName)}</strong>: the invitation was accepted. A vendor's page would now let you sign in.</p>`,
    );
  }
  const code = typeof body.error === 'string' ? body.error : 'error';
  const state = STATES[code] ?? 'error';
  const title = TITLES[state] ?? (method === 'POST' ? 'Could not accept the invitation' : 'Invitation');
  return page(title, `<p data-state="${state}">${htmlText(body.message ?? 'Something went wrong')}</p>`);
}

const STATES: Record<string, string> = {
  invalid_token: 'invalid',
  invite_used: 'used',
  invite_expired: 'expired',
  invite_superseded: 'superseded',
};

const TITLES: Record<string, string> = {
  invalid: 'Invalid invitation link',
  used: 'Invitation already used',
  expired: 'Invitation expired',
  superseded: 'Invitation replaced by a newer one',
};

function page(title: string, content: string): string {
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${htmlText(title)}</title>
<style>body{font-family:system-ui,sans-serif;max-width:36rem;margin:3rem auto;padding:0 1rem;line-height:1.5}button{font-size:1rem;padding:.5rem 1rem}</style>
</head>
<body>
<h1>${htmlText(title)}</h1>
${content}
<p><small>Local invitation page (npm start). In AWS the link opens the page INVITE_URL_TEMPLATE names.</small></p>
</body>
</html>
`;
}

function rendered(status: number, html: string) {
  return {
    status,
    html,
    headers: {
      'Cache-Control': 'no-store',
      'Referrer-Policy': 'no-referrer',
      'Content-Security-Policy':
        "default-src 'none'; style-src 'unsafe-inline'; form-action 'self'; frame-ancestors 'none'; base-uri 'none'",
    },
  };
}

function readForm(req: IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    req.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size <= MAX_FORM_BYTES) chunks.push(chunk);
    });
    req.on('end', () => resolve(size > MAX_FORM_BYTES ? '' : Buffer.concat(chunks).toString('utf8')));
    req.on('error', reject);
  });
}

function htmlText(value: unknown): string {
  return String(value ?? '')
    .replaceAll('&', '&amp;')
    .replaceAll('<', '&lt;')
    .replaceAll('>', '&gt;')
    .replaceAll('"', '&quot;')
    .replaceAll("'", '&#39;');
}
