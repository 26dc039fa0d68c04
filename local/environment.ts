/**
 * Points the AWS SDK (used unchanged by the handlers) at the local services. The SDK reads
 * AWS_ENDPOINT_URL_* itself, so the handlers carry no local-only code.
 */
export function configureLocalEnvironment(options: {
  dynamoDbEndpoint: string;
  sesEndpoint?: string;
  /** The local PutEvents stand-in (local/eventbridge-local.ts), when the stream consumer runs. */
  eventBridgeEndpoint?: string;
  tableName: string;
  /**
   * The base URL for links made outside a request (the invitation mail): PUBLIC_BASE_URL when it
   * was given, otherwise the listen address.
   */
  publicBaseUrl: string;
  /**
   * PUBLIC_BASE_URL as given to `npm start`: the handlers then use it as in AWS with a custom
   * domain. Absent, they take the base URL from each request (the Host it came with, or a trusted
   * tunnel's X-Forwarded-Host/-Proto; local/public-origin.ts), never the listen address.
   */
  configuredBaseUrl?: string;
}): void {
  Object.assign(process.env, {
    AWS_REGION: process.env.AWS_REGION ?? 'us-east-1',
    AWS_ACCESS_KEY_ID: 'local',
    AWS_SECRET_ACCESS_KEY: 'local',
    AWS_ENDPOINT_URL_DYNAMODB: options.dynamoDbEndpoint,
    AWS_ENDPOINT_URL_DYNAMODB_STREAMS: options.dynamoDbEndpoint,
    AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true',
    TABLE_NAME: options.tableName,
    POWERTOOLS_LOG_LEVEL: process.env.POWERTOOLS_LOG_LEVEL ?? 'WARN',
    // The paging-cursor HMAC key (in AWS a generated Secrets Manager secret, CURSOR_HMAC_SECRET_ARN).
    CURSOR_HMAC_KEY: process.env.CURSOR_HMAC_KEY ?? 'local-cursor-key-not-a-secret-0123456789',
    // The request log is written from this process, batched (in AWS: stdout -> subscription -> writer).
    REQUEST_LOG_SINK: process.env.REQUEST_LOG_SINK ?? 'direct',
    // Local invitation settings (the handlers refuse to start without them; the CDK stack sets its own).
    INVITE_FROM_ADDRESS: process.env.INVITE_FROM_ADDRESS ?? 'invitations@scim.local',
    // The link opens the page npm start serves (local/invite-page.ts), which verifies it like a vendor's page.
    INVITE_URL_TEMPLATE:
      process.env.INVITE_URL_TEMPLATE ?? `${options.publicBaseUrl}/local/invite?token={token}`,
    // A fixed development key, NOT a secret (in AWS: INVITE_LINK_KEYS_SECRET_ARN, a generated secret);
    // fixed so links of a persisted local run still verify after a restart.
    INVITE_LINK_KEYS:
      process.env.INVITE_LINK_KEYS ??
      JSON.stringify({ keys: [{ id: 'local-1', secret: 'local-invite-link-key-not-a-secret-0123456789' }] }),
  });
  if (options.configuredBaseUrl) process.env.PUBLIC_BASE_URL = options.configuredBaseUrl;
  else delete process.env.PUBLIC_BASE_URL;
  // One origin serves both APIs locally: the Target SCIM URL is the request's own base URL.
  delete process.env.SCIM_PUBLIC_BASE_URL;
  if (options.eventBridgeEndpoint) {
    process.env.AWS_ENDPOINT_URL_EVENTBRIDGE = options.eventBridgeEndpoint;
    process.env.EVENT_BUS_NAME = process.env.EVENT_BUS_NAME ?? 'scim-local-events';
  }
  if (options.sesEndpoint) {
    process.env.AWS_ENDPOINT_URL_SES = options.sesEndpoint;
    process.env.AWS_ENDPOINT_URL_SESV2 = options.sesEndpoint;
  }
}
