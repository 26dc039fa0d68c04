import type { DynamoDbLocal } from '../local/dynamodb-local';

/** Stops the DynamoDB Local of global-setup: no java is left behind. */
export default async function globalTeardown(): Promise<void> {
  const dynamo = (globalThis as { __dynamoDbLocal?: DynamoDbLocal }).__dynamoDbLocal;
  await dynamo?.stop();
}
