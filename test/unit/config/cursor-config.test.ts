import { createServer, type IncomingMessage } from 'node:http';
import type { AddressInfo } from 'node:net';
import { readCursorConfig } from '../../../lambdas/config/runtime-config';
import { getSecretString } from '../../../lambdas/config/secret-value';

const KEYS = [
  'CURSOR_HMAC_KEY',
  'CURSOR_HMAC_SECRET_ARN',
  'AWS_ENDPOINT_URL_SECRETS_MANAGER',
  'AWS_REGION',
  'AWS_ACCESS_KEY_ID',
  'AWS_SECRET_ACCESS_KEY',
] as const;

describe('the paging-cursor key, read at cold start', () => {
  const saved = Object.fromEntries(KEYS.map((k) => [k, process.env[k]]));
  beforeEach(() => {
    for (const key of KEYS) delete process.env[key];
  });
  afterAll(() => {
    for (const key of KEYS) {
      if (saved[key] === undefined) delete process.env[key];
      else process.env[key] = saved[key];
    }
  });

  test('CURSOR_HMAC_KEY is the key (local runs and tests)', async () => {
    process.env.CURSOR_HMAC_KEY = 'x'.repeat(32);
    const config = readCursorConfig(() => Promise.reject(new Error('no secret expected')));
    expect(Buffer.from(await config.key()).toString()).toBe('x'.repeat(32));
    expect(config.timeoutSeconds).toBe(3600);
  });

  test('a short key is refused with its name', () => {
    process.env.CURSOR_HMAC_KEY = 'short';
    expect(() => readCursorConfig()).toThrow(/^CURSOR_HMAC_KEY must have at least 32 characters/);
  });

  test('neither variable set: the cold start stops, naming both', () => {
    expect(() => readCursorConfig()).toThrow(/CURSOR_HMAC_SECRET_ARN .* or CURSOR_HMAC_KEY must be set/);
  });

  test('in AWS the secret is read once, on first use; a failed read is retried by the next use', async () => {
    process.env.CURSOR_HMAC_SECRET_ARN = 'arn:aws:secretsmanager:eu-west-1:1:secret:cursor';
    const reads: string[] = [];
    let fail = true;
    const config = readCursorConfig(async (id) => {
      reads.push(id);
      if (fail) throw new Error('throttled');
      return 'S'.repeat(64);
    });
    expect(reads).toEqual([]);
    await expect(config.key()).rejects.toThrow('throttled');
    fail = false;
    expect(Buffer.from(await config.key()).toString()).toBe('S'.repeat(64));
    await config.key();
    expect(reads).toEqual([process.env.CURSOR_HMAC_SECRET_ARN, process.env.CURSOR_HMAC_SECRET_ARN]);
  });

  test('GetSecretValue is one signed JSON call to Secrets Manager', async () => {
    let seen: { headers: IncomingMessage['headers']; body: string } | undefined;
    const server = createServer((request, response) => {
      let body = '';
      request.on('data', (chunk) => {
        body += chunk;
      });
      request.on('end', () => {
        seen = { headers: request.headers, body };
        response.setHeader('Content-Type', 'application/x-amz-json-1.1');
        response.end(JSON.stringify({ SecretString: 'the-secret', Name: 'cursor' }));
      });
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    try {
      Object.assign(process.env, {
        AWS_REGION: 'eu-west-1',
        AWS_ACCESS_KEY_ID: 'AKIDEXAMPLE',
        AWS_SECRET_ACCESS_KEY: 'secret',
        AWS_ENDPOINT_URL_SECRETS_MANAGER: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
      });
      expect(await getSecretString('arn:secret')).toBe('the-secret');
      expect(JSON.parse(seen!.body)).toEqual({ SecretId: 'arn:secret' });
      expect(seen!.headers['x-amz-target']).toBe('secretsmanager.GetSecretValue');
      expect(seen!.headers.authorization).toMatch(
        /^AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE\/\d{8}\/eu-west-1\/secretsmanager\/aws4_request, SignedHeaders=.*x-amz-target.*, Signature=[0-9a-f]{64}$/,
      );
    } finally {
      server.close();
    }
  });

  test('an error answer of Secrets Manager is an error, not a key', async () => {
    const server = createServer((_request, response) => {
      response.statusCode = 400;
      response.end(JSON.stringify({ __type: 'AccessDeniedException' }));
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    try {
      Object.assign(process.env, {
        AWS_REGION: 'eu-west-1',
        AWS_ACCESS_KEY_ID: 'AKIDEXAMPLE',
        AWS_SECRET_ACCESS_KEY: 'secret',
        AWS_ENDPOINT_URL_SECRETS_MANAGER: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
      });
      await expect(getSecretString('arn:secret')).rejects.toMatchObject({ name: 'AccessDeniedException' });
    } finally {
      server.close();
    }
  });
});
