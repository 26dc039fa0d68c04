import './quiet';
import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { ensureConsoleBuilt } from './console';
import { startDynamoDbLocal } from './dynamodb-local';
import { parsePublicBaseUrl, parseTrustProxy } from './public-origin';
import { parseLocalRateLimit } from './rate-limit';
import { startLocalService } from './service';
import { startSesLocal } from './ses-local';

/**
 * `npm start`: DynamoDB Local (persisted under .local/ unless --in-memory), local SES, and the
 * service behind the local API Gateway adapter on 127.0.0.1:$PORT. Ctrl-C stops every child.
 */
async function main(): Promise<void> {
  const inMemory = process.argv.includes('--in-memory') || process.env.LOCAL_IN_MEMORY === '1';
  const port = Number(process.env.PORT ?? 3000);
  const localDir = resolve(process.env.LOCAL_DATA_DIR ?? '.local');
  const stops: (() => Promise<void>)[] = [];
  let stopping = false;
  const shutdown = async (code: number) => {
    if (stopping) return;
    stopping = true;
    for (const stop of stops.reverse()) await stop().catch(() => undefined);
    process.exit(code);
  };
  process.on('SIGINT', () => void shutdown(0));
  process.on('SIGTERM', () => void shutdown(0));

  try {
    // Checked before anything starts: a typo must not leave a half-started service behind.
    const publicBaseUrl = parsePublicBaseUrl(process.env.PUBLIC_BASE_URL);
    const trustProxy = parseTrustProxy(process.env.TRUST_PROXY);
    const rateLimit = parseLocalRateLimit(process.env.LOCAL_RATE_LIMIT);
    // The console is built once (and again only when web/ or the contract changed).
    const consoleDir = await ensureConsoleBuilt()
      .then(({ distDir }) => distDir)
      .catch((error: Error) => {
        console.error(`The admin console is not served: ${error.message}`);
        return undefined;
      });
    const dynamo = await startDynamoDbLocal(inMemory ? {} : { dataDir: join(localDir, 'dynamodb') });
    stops.push(dynamo.stop);
    // LOCAL_SES_ENDPOINT: a local SES already running (its captured mail outlives this process).
    const ses = process.env.LOCAL_SES_ENDPOINT
      ? { endpoint: process.env.LOCAL_SES_ENDPOINT }
      : await startSesLocal();
    if ('stop' in ses) stops.push(ses.stop);
    const adminApiKey = process.env.ADMIN_API_KEY ?? adminKey(localDir, inMemory);
    const service = await startLocalService({
      dynamoDbEndpoint: dynamo.endpoint,
      sesEndpoint: ses.endpoint,
      tableName: process.env.TABLE_NAME ?? 'scim-local',
      adminApiKey,
      port,
      streams: true,
      // Persisted mode: the stream poller resumes after a restart or a crash where it stopped.
      streamCheckpointFile: inMemory ? undefined : join(localDir, 'stream-checkpoint.json'),
      // Persisted mode: the local event bus keeps what it received across restarts (GET /local/events).
      eventsFile: inMemory ? undefined : join(localDir, 'events.jsonl'),
      consoleDir,
      publicBaseUrl,
      trustProxy,
      rateLimit: rateLimit ? { perSecond: rateLimit } : undefined,
    });
    stops.push(service.stop);
    const admin = `${service.baseUrl}/admin/v1/tenants/<tenantId>`;
    const answersWith = publicBaseUrl
      ? `${publicBaseUrl} (PUBLIC_BASE_URL)`
      : trustProxy
        ? "the tunnel's X-Forwarded-Host/-Proto, else each request's Host (TRUST_PROXY=1)"
        : "each request's Host header (set PUBLIC_BASE_URL or TRUST_PROXY=1 behind a tunnel)";
    console.log(
      [
        '',
        `SCIM provisioning service running at ${service.baseUrl}`,
        `  public URLs:   ${answersWith}`,
        `  rate limit:    ${rateLimit ? `${rateLimit} requests/s per tenant (LOCAL_RATE_LIMIT)` : 'off (LOCAL_RATE_LIMIT=<n> per second per tenant)'}`,
        `  admin console: ${consoleDir ? `${service.baseUrl}/` : 'not built (see the error above)'}`,
        `  data:          ${inMemory ? 'in memory (lost on exit)' : join(localDir, 'dynamodb')}`,
        `  DynamoDB Local ${dynamo.endpoint}   local SES ${ses.endpoint}`,
        `  health:        ${service.baseUrl}/health`,
        `  sent mail:     ${service.baseUrl}/local/outbox`,
        `  change events: ${service.baseUrl}/local/events?tenant=<tenantId>`,
        `  admin API:     ${admin}`,
        `  admin key:     ${adminApiKey}`,
        `  request log:   ${admin}/requests   health: ${admin}/health   audit: ${admin}/audit`,
        '',
        'Create a SCIM token for tenant "acme":',
        `  curl -s -X POST -H "Authorization: Bearer ${adminApiKey}" ${service.baseUrl}/admin/v1/tenants/acme/tokens`,
        'The answer holds the token (shown once) and the Target SCIM URL to paste into Okta.',
        'Stop with Ctrl-C.',
        '',
      ].join('\n'),
    );
  } catch (error) {
    console.error(`Could not start: ${(error as Error).message}`);
    await shutdown(1);
  }
}

/** Generated on first start and kept beside the persisted data, so a restart keeps the same key. */
function adminKey(localDir: string, inMemory: boolean): string {
  const file = join(localDir, 'admin-api-key');
  if (!inMemory && existsSync(file)) return readFileSync(file, 'utf8').trim();
  const key = `local_admin_${randomBytes(24).toString('base64url')}`;
  if (!inMemory) {
    mkdirSync(localDir, { recursive: true });
    writeFileSync(file, key, { mode: 0o600 });
  }
  return key;
}

void main();
