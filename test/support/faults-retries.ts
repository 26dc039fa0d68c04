import type { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { onDynamoDbClientCreated } from '../../lambdas/store/client';

type RetryStrategyProvider = DynamoDBClient['config']['retryStrategy'];
type RetryStrategy = Awaited<ReturnType<RetryStrategyProvider>>;

interface Token {
  getRetryCount(): number;
  getRetryDelay(): number;
}

/**
 * The SDK's own retry decision without its waits: the store's DynamoDB client (lambdas/store/client.ts)
 * keeps its maxAttempts and the SDK keeps classifying each error (THROTTLING, TRANSIENT, ...); this
 * strategy retries exactly what the SDK's standard strategy retries (throttling and transient errors,
 * up to maxAttempts) but at once, and with a fresh retry quota per call. A fault test that makes
 * hundreds of calls outlast the retries then takes milliseconds per call instead of the standard
 * backoff's seconds, and no call's retries depend on how many failed before it (the standard
 * strategy's shared quota would make the outcome depend on the order of the tests).
 */
class ImmediateRetries {
  constructor(private readonly maxAttempts: number) {}

  async acquireInitialRetryToken(): Promise<Token> {
    return token(0);
  }

  async refreshRetryTokenForRetry(previous: Token, errorInfo: { errorType: string }): Promise<Token> {
    const retryable = errorInfo.errorType === 'THROTTLING' || errorInfo.errorType === 'TRANSIENT';
    if (!retryable || previous.getRetryCount() + 1 >= this.maxAttempts)
      throw new Error('No retry token available');
    return token(previous.getRetryCount() + 1);
  }

  recordSuccess(): void {}
}

const token = (retries: number): Token => ({ getRetryCount: () => retries, getRetryDelay: () => 0 });

export interface SdkRetries {
  /** 'immediate' (the default): ImmediateRetries; 'sdk': the client's own strategy, waits and quota included. */
  mode: 'immediate' | 'sdk';
  /** maxAttempts of the store's client (read when it was created). */
  maxAttempts(): Promise<number>;
}

/**
 * Installs the switch on the store's DynamoDB client; call before the service handles its first
 * request (the client is created then).
 */
export function controlSdkRetries(): SdkRetries {
  let clientMaxAttempts: (() => Promise<number>) | undefined;
  const control: SdkRetries = {
    mode: 'immediate',
    maxAttempts: async () => {
      if (!clientMaxAttempts) throw new Error('the store has not created its DynamoDB client yet');
      return clientMaxAttempts();
    },
  };
  onDynamoDbClientCreated((client: DynamoDBClient) => {
    const own = client.config.retryStrategy;
    clientMaxAttempts = client.config.maxAttempts;
    client.config.retryStrategy = async (): Promise<RetryStrategy> =>
      control.mode === 'sdk'
        ? own()
        : (new ImmediateRetries(await client.config.maxAttempts()) as unknown as RetryStrategy);
  });
  return control;
}
