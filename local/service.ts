import type { Server } from 'node:http';
import { DynamoDBClient, ListTablesCommand } from '@aws-sdk/client-dynamodb';
import { createAdapter, type LocalRoute } from './adapter';
import { consoleHandler } from './console';
import { configureLocalEnvironment } from './environment';
import { type EventBridgeLocal, queryLocalEvents, startEventBridgeLocal } from './eventbridge-local';
import { loadHandlers } from './handlers';
import type { LocalRateLimit } from './rate-limit';
import { startLocalMail } from './ses-events';
import { startStreamPoller } from './stream-poller';
import { ensureTable } from './table';

export interface LocalServiceOptions {
  dynamoDbEndpoint: string;
  sesEndpoint?: string;
  tableName: string;
  adminApiKey: string;
  /** 0 picks a free port. */
  port: number;
  host?: string;
  localRoutes?: Record<string, LocalRoute>;
  /** Poll the table's stream and run its consumer: invitations (need sesEndpoint) and member-count folds. */
  streams?: boolean;
  /** Persisted mode: where the stream poller keeps its checkpoint (local/stream-checkpoint.ts). */
  streamCheckpointFile?: string;
  /**
   * With `streams`: the JSON Lines file the local event bus keeps its events in (persisted mode);
   * without it they are kept in memory only.
   */
  eventsFile?: string;
  /** The built admin console (web/dist) to serve at `/`; no console without it. */
  consoleDir?: string;
  /**
   * PUBLIC_BASE_URL (already checked, local/public-origin.ts parsePublicBaseUrl): the base of every
   * URL the service answers with. Absent: each request's own Host (or trusted forwarded host).
   */
  publicBaseUrl?: string;
  /** TRUST_PROXY=1: X-Forwarded-Host / X-Forwarded-Proto of a tunnel set the base URL. */
  trustProxy?: boolean;
  /** LOCAL_RATE_LIMIT: per-tenant 429 with Retry-After, as the deployed WAF rules answer. */
  rateLimit?: LocalRateLimit;
}

export interface LocalService {
  /** Where the service listens (what a test or curl on this machine connects to). */
  baseUrl: string;
  /** The configured PUBLIC_BASE_URL, when there is one. */
  publicBaseUrl?: string;
  server: Server;
  /** The local on-failure destination of the stream consumer. */
  failedStreamRecords: unknown[];
  /** The local event bus (with `streams`): what the stream consumer published. */
  eventBus?: EventBridgeLocal;
  stop(): Promise<void>;
}

/**
 * The service itself, behind the local API Gateway stand-in: table, handlers, adapter.
 * `npm start` and the integration tests both run exactly this.
 */
export async function startLocalService(options: LocalServiceOptions): Promise<LocalService> {
  const host = options.host ?? '127.0.0.1';
  const eventBus = options.streams ? await startEventBridgeLocal({ file: options.eventsFile }) : undefined;
  // Read by the adapter on every request, so routes added once the table is ready (below) are served.
  const localRoutes: Record<string, LocalRoute> = {
    'GET /health': async () => health(options),
    ...(options.sesEndpoint ? { 'GET /local/outbox': () => outbox(options.sesEndpoint as string) } : {}),
    ...(eventBus
      ? {
          'GET /local/events': async (req) =>
            queryLocalEvents(eventBus.events(), new URL(req.url ?? '/', 'http://localhost').searchParams),
        }
      : {}),
    ...options.localRoutes,
  };
  const server = createAdapter({
    ...lazyHandlers(),
    adminApiKey: options.adminApiKey,
    console: options.consoleDir ? consoleHandler(options.consoleDir) : undefined,
    trustProxy: options.trustProxy,
    rateLimit: options.rateLimit,
    localRoutes,
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port, host, () => resolve());
  });
  const address = server.address();
  const port = typeof address === 'object' && address ? address.port : options.port;
  const baseUrl = `http://${host}:${port}`;
  configureLocalEnvironment({
    dynamoDbEndpoint: options.dynamoDbEndpoint,
    sesEndpoint: options.sesEndpoint,
    eventBridgeEndpoint: eventBus?.endpoint,
    tableName: options.tableName,
    publicBaseUrl: options.publicBaseUrl ?? baseUrl,
    configuredBaseUrl: options.publicBaseUrl,
  });
  const client = new DynamoDBClient({});
  try {
    await ensureTable(client, options.tableName, undefined, {
      // Without the consumer nothing reads the stream; DynamoDB Local's streams slow every write (local/table.ts).
      stream: options.streams === true,
    });
  } finally {
    client.destroy();
  }
  const poller = options.streams
    ? await startStreamPoller({
        tableName: options.tableName,
        handler: () => require('../lambdas/stream/handler').handler,
        checkpointFile: options.streamCheckpointFile,
      })
    : undefined;
  // Stopped first by stop(), before the poller and the event bus.
  const stopsFirst: (() => Promise<void>)[] = [];
  // ── mail helper wiring (issue 12) ──────────────────────────────────────────────────────────
  // The fake SES events feed (local/ses-events.ts) and the `/local/invite` page (local/invite-page.ts)
  // start here: the environment is configured and the table exists. Add their routes with
  // `Object.assign(localRoutes, {...})` and push what must stop onto `stopsFirst`.
  const mail = startLocalMail({ sesEndpoint: options.sesEndpoint });
  Object.assign(localRoutes, mail.routes);
  stopsFirst.push(mail.stop);
  // ── end of mail helper wiring ──────────────────────────────────────────────────────────────
  ready = true;
  return {
    baseUrl,
    publicBaseUrl: options.publicBaseUrl,
    server,
    failedStreamRecords: poller?.failed ?? [],
    eventBus,
    stop: async () => {
      for (const stop of stopsFirst) await stop();
      await poller?.stop();
      await eventBus?.stop();
      // The request log's last batch (REQUEST_LOG_SINK=direct buffers up to 200 ms).
      await flushRequestLog();
      await new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      });
    },
  };
}

let ready = false;

/** Flushes the in-process request-log writer (required lazily, like the handlers). */
async function flushRequestLog(): Promise<void> {
  const sinkModule = '../lambdas/store/request-log-sink';
  await (require(sinkModule) as typeof import('../lambdas/store/request-log-sink')).requestLogSink().flush();
}

/** 200 only when the table and (when configured) local SES answer. */
async function health(options: LocalServiceOptions): Promise<{ status: number; body: unknown }> {
  const checks: Record<string, boolean> = { handlers: ready };
  const client = new DynamoDBClient({ endpoint: options.dynamoDbEndpoint, maxAttempts: 1 });
  try {
    await client.send(new ListTablesCommand({ Limit: 1 }));
    checks.dynamodb = true;
  } catch {
    checks.dynamodb = false;
  } finally {
    client.destroy();
  }
  if (options.sesEndpoint) {
    checks.ses = await fetch(`${options.sesEndpoint}/store`)
      .then((r) => r.ok)
      .catch(() => false);
  }
  const ok = Object.values(checks).every(Boolean);
  return { status: ok ? 200 : 503, body: { status: ok ? 'ok' : 'starting', checks } };
}

/** `GET /local/outbox` (local mode only): the mail local SES has captured. */
async function outbox(sesEndpoint: string): Promise<{ status: number; body: unknown }> {
  const response = await fetch(`${sesEndpoint}/store`);
  const store = (await response.json()) as {
    emails: {
      destination: { to: string[] };
      subject: string;
      body: { text?: string; html?: string };
      at: number;
    }[];
  };
  return {
    status: 200,
    body: {
      messages: store.emails.map((e) => ({
        to: e.destination.to,
        subject: e.subject,
        text: e.body.text ?? null,
        html: e.body.html ?? null,
        sentAt: new Date(e.at * 1000).toISOString(),
      })),
    },
  };
}

/** Handlers are required on first use, after configureLocalEnvironment has run. */
function lazyHandlers() {
  let loaded: ReturnType<typeof loadHandlers> | undefined;
  const get = () => {
    loaded ??= loadHandlers();
    return loaded;
  };
  const handlers = new Proxy({} as ReturnType<typeof loadHandlers>['handlers'], {
    get: (_target, name: string) => get().handlers[name as keyof ReturnType<typeof loadHandlers>['handlers']],
  });
  return {
    handlers,
    authorizer: ((event) => get().authorizer(event)) as ReturnType<typeof loadHandlers>['authorizer'],
  };
}
