import { randomUUID } from 'node:crypto';
import { request as httpRequest, type Server } from 'node:http';
import type { APIGatewayProxyEvent } from 'aws-lambda';
import { toHttpRequest } from '../../lambdas/http/request';
import type { Route } from '../../lambdas/http/routes';
import { createAdapter } from '../../local/adapter';
import { startTestService, type TestService } from '../support/service';

/**
 * Bodies reach the handlers as API Gateway delivers them with the deployed `binaryMediaTypes: ['*\/*']`:
 * base64 of the exact bytes, isBase64Encoded true; the handlers decode them (toHttpRequest).
 */
const ROUTES: Route[] = [
  { path: '/admin/v1/tenants/{tenantId}/echo', handler: 'settings', auth: 'admin' },
  { path: '/invite/{token}', handler: 'invites', auth: 'public' },
];

let server: Server;
let base: string;
let seen: APIGatewayProxyEvent[];
beforeAll(async () => {
  server = createAdapter({
    routes: ROUTES,
    adminApiKey: 'k',
    authorizer: async () => {
      throw new Error('the authorizer must not run here');
    },
    handlers: {
      settings: async (event) => {
        seen.push(event);
        return { statusCode: 200, body: '{}' };
      },
      invites: async (event) => {
        seen.push(event);
        return { statusCode: 200, body: '{"state":"valid"}' };
      },
    },
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  base = `http://127.0.0.1:${typeof address === 'object' && address ? address.port : 0}`;
});
beforeEach(() => {
  seen = [];
});
afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

/** Sends `parts` as separate writes (separate TCP chunks where the kernel keeps them apart). */
function send(path: string, parts: Buffer[], headers: Record<string, string> = {}): Promise<number> {
  const length = parts.reduce((n, p) => n + p.length, 0);
  return new Promise((resolve, reject) => {
    const req = httpRequest(
      `${base}${path}`,
      {
        method: 'POST',
        headers: {
          Authorization: 'Bearer k',
          'Content-Type': 'application/json',
          'Content-Length': length,
          ...headers,
        },
      },
      (res) => {
        res.resume();
        res.on('end', () => resolve(res.statusCode ?? 0));
      },
    );
    req.on('error', reject);
    req.flushHeaders();
    const writeNext = (i: number): void => {
      if (i === parts.length) {
        req.end();
        return;
      }
      req.write(parts[i], () => setImmediate(() => writeNext(i + 1)));
    };
    writeNext(0);
  });
}

/** What a handler in AWS decodes from the same bytes (API Gateway: base64, isBase64Encoded true). */
const decodedInAws = (bytes: Buffer) =>
  toHttpRequest({
    httpMethod: 'POST',
    resource: '/x',
    path: '/x',
    headers: {},
    body: bytes.toString('base64'),
    isBase64Encoded: true,
    requestContext: { requestId: 'aws' },
  } as unknown as APIGatewayProxyEvent).rawBody;

describe('the body a handler receives from npm start', () => {
  test('is base64 of the exact bytes with isBase64Encoded, and decodes to the same JSON', async () => {
    const json = JSON.stringify({ displayName: 'Zoë Ōkubo 日本語 🚀', note: 'façade' });
    const bytes = Buffer.from(json, 'utf8');

    expect(await send('/admin/v1/tenants/acme/echo', [bytes])).toBe(200);

    const [event] = seen;
    expect(event.isBase64Encoded).toBe(true);
    expect(Buffer.from(event.body ?? '', 'base64').equals(bytes)).toBe(true);
    expect(JSON.parse(toHttpRequest(event).rawBody ?? '')).toEqual(JSON.parse(json));
  });

  test('keeps a multibyte character split across two chunks whole', async () => {
    const bytes = Buffer.from('{"displayName":"日本"}', 'utf8');
    const split = bytes.indexOf(Buffer.from('日', 'utf8')) + 1; // inside the 3-byte 日

    await send('/admin/v1/tenants/acme/echo', [bytes.subarray(0, split), bytes.subarray(split)]);

    expect(toHttpRequest(seen[0]).rawBody).toBe('{"displayName":"日本"}');
  });

  test.each([
    ['a UTF-8 BOM', Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from('{"a":1}')])],
    ['invalid UTF-8', Buffer.from([0x7b, 0x22, 0x61, 0x22, 0x3a, 0x22, 0xc3, 0x28, 0xff, 0x22, 0x7d])],
    ['Latin-1 bytes', Buffer.from('{"a":"caf\u00e9"}', 'latin1')],
  ])('decodes %s exactly as a handler in AWS does', async (_name, bytes) => {
    await send('/admin/v1/tenants/acme/echo', [bytes]);

    expect(Buffer.from(seen[0].body ?? '', 'base64').equals(bytes)).toBe(true);
    expect(toHttpRequest(seen[0]).rawBody).toBe(decodedInAws(bytes));
  });

  test('no body: null and not base64, as API Gateway sends a GET', async () => {
    await send('/admin/v1/tenants/acme/echo', []);

    expect(seen[0].body).toBeNull();
    expect(seen[0].isBase64Encoded).toBe(false);
  });
});

describe('a public route', () => {
  test('runs with no authorization at all: no admin key, no authorizer', async () => {
    const status = await send('/invite/some-token', [Buffer.from('{}')], { Authorization: '' });

    expect(status).toBe(200);
    expect(seen[0].requestContext.authorizer).toBeNull();
  });
});

describe('through the real handlers', () => {
  let service: TestService;
  beforeAll(async () => {
    service = await startTestService();
  });
  afterAll(() => service.stop());

  test('non-ASCII in a SCIM body survives create and read', async () => {
    const { token, scimBaseUrl } = await service.createToken(`b64-${randomUUID().slice(0, 8)}`);
    const displayName = 'Zoë Ōkubo 日本語 🚀';

    const created = await service.scim('POST', `${scimBaseUrl}/Users`, token, {
      schemas: ['urn:ietf:params:scim:schemas:core:2.0:User'],
      userName: `zoë-${randomUUID().slice(0, 6)}@example.com`,
      displayName,
    });
    const read = await service.scim('GET', `${scimBaseUrl}/Users/${created.body.id}`, token);

    expect(created.status).toBe(201);
    expect(read.body.displayName).toBe(displayName);
  });

  test('a BOM before the JSON is a SCIM 400 invalidSyntax, never a 5xx', async () => {
    const { token, scimBaseUrl } = await service.createToken(`bom-${randomUUID().slice(0, 8)}`);

    const response = await service.request('POST', `${scimBaseUrl}/Users`, {
      headers: { Authorization: `Bearer ${token}`, 'Content-Type': 'application/scim+json' },
      rawBody: `\uFEFF${JSON.stringify({ schemas: ['urn:ietf:params:scim:schemas:core:2.0:User'], userName: 'bom@example.com' })}`,
    });

    expect(response.status).toBe(400);
    expect(response.body.scimType).toBe('invalidSyntax');
  });
});
