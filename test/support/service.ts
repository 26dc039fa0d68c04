import { randomUUID } from 'node:crypto';
import type { EventBridgeLocal } from '../../local/eventbridge-local';
import type { LocalRateLimit } from '../../local/rate-limit';
import { type LocalService, startLocalService } from '../../local/service';

export const ADMIN_KEY = 'test-admin-key';

export interface TestService {
  baseUrl: string;
  /** The service's fresh table (also process.env.TABLE_NAME while it is the latest one started). */
  tableName: string;
  /** Fetch against the service; JSON bodies are serialised. */
  request(method: string, path: string, options?: RequestOptions): Promise<TestResponse>;
  admin(method: string, path: string, body?: unknown): Promise<TestResponse>;
  scim(
    method: string,
    path: string,
    token: string,
    body?: unknown,
    headers?: Record<string, string>,
  ): Promise<TestResponse>;
  /** A token of the tenant; with `idp`, made for that IdP (the default is okta). */
  createToken(
    tenantId: string,
    idp?: string,
  ): Promise<{ id: string; token: string; scimBaseUrl: string; idp: string }>;
  failedStreamRecords: unknown[];
  /** The local event bus (with `streams`): its failNext option tests the publisher's retries. */
  eventBus?: EventBridgeLocal;
  stop(): Promise<void>;
}

export interface RequestOptions {
  headers?: Record<string, string>;
  body?: unknown;
  rawBody?: string;
}

export interface TestResponse {
  status: number;
  headers: Headers;
  // biome-ignore lint/suspicious/noExplicitAny: test responses are inspected freely
  body: any;
  text: string;
}

/** The whole local service (adapter, authorizer, handlers) on a fresh table of the shared DynamoDB Local. */
export async function startTestService(
  extra: {
    sesEndpoint?: string;
    streams?: boolean;
    dynamoDbEndpoint?: string;
    /** PUBLIC_BASE_URL of `npm start` (process-wide: run one such service at a time). */
    publicBaseUrl?: string;
    /** TRUST_PROXY=1 of `npm start`. */
    trustProxy?: boolean;
    /** LOCAL_RATE_LIMIT of `npm start`, with a clock the test controls. */
    rateLimit?: LocalRateLimit;
  } = {},
): Promise<TestService> {
  // A test may put a proxy in front of the shared DynamoDB Local (test/support/dynamodb-proxy.ts).
  const endpoint = extra.dynamoDbEndpoint ?? process.env.TEST_DYNAMODB_ENDPOINT;
  if (!endpoint)
    throw new Error('TEST_DYNAMODB_ENDPOINT not set: run through jest (global setup starts DynamoDB Local)');
  const tableName = `test-${randomUUID()}`;
  const service: LocalService = await startLocalService({
    dynamoDbEndpoint: endpoint,
    sesEndpoint: extra.sesEndpoint,
    streams: extra.streams,
    tableName,
    adminApiKey: ADMIN_KEY,
    port: 0,
    publicBaseUrl: extra.publicBaseUrl,
    trustProxy: extra.trustProxy,
    rateLimit: extra.rateLimit,
  });
  const request = async (
    method: string,
    path: string,
    options: RequestOptions = {},
  ): Promise<TestResponse> => {
    const headers: Record<string, string> = { ...options.headers };
    let body: string | undefined = options.rawBody;
    if (options.body !== undefined) {
      body = JSON.stringify(options.body);
      headers['Content-Type'] ??= 'application/json';
    }
    const url = path.startsWith('http') ? path : `${service.baseUrl}${path}`;
    const response = await fetch(url, { method, headers, body });
    const text = await response.text();
    let parsed: unknown;
    try {
      parsed = text ? JSON.parse(text) : undefined;
    } catch {
      parsed = undefined;
    }
    return { status: response.status, headers: response.headers, body: parsed, text };
  };
  const admin = (method: string, path: string, body?: unknown) =>
    request(method, `/admin/v1/tenants${path}`, { headers: { Authorization: `Bearer ${ADMIN_KEY}` }, body });
  return {
    baseUrl: service.baseUrl,
    tableName,
    request,
    admin,
    scim: (method, path, token, body, headers) =>
      request(method, path, {
        headers: { Authorization: `Bearer ${token}`, 'Content-Type': 'application/scim+json', ...headers },
        body,
      }),
    createToken: async (tenantId, idp) => {
      const response = await admin('POST', `/${tenantId}/tokens`, idp === undefined ? undefined : { idp });
      if (response.status !== 201)
        throw new Error(`token creation failed: ${response.status} ${response.text}`);
      return response.body;
    },
    failedStreamRecords: service.failedStreamRecords,
    eventBus: service.eventBus,
    stop: service.stop,
  };
}
