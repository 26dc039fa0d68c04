import { GetSecretValueCommand, SecretsManagerClient } from '@aws-sdk/client-secrets-manager';

/**
 * One Secrets Manager `GetSecretValue` with the function's credentials; the SDK honours
 * `AWS_ENDPOINT_URL_SECRETS_MANAGER` (tests point it at a local stand-in) and retries throttling. Called
 * once per cold start (the caller keeps the key), so the client is not kept either.
 */
export async function getSecretString(secretId: string): Promise<string> {
  const client = new SecretsManagerClient({ maxAttempts: 3 });
  try {
    const result = await client.send(new GetSecretValueCommand({ SecretId: secretId }), {
      abortSignal: AbortSignal.timeout(5000),
    });
    if (typeof result.SecretString !== 'string')
      throw new Error(`The secret ${secretId} has no SecretString`);
    return result.SecretString;
  } finally {
    client.destroy();
  }
}
