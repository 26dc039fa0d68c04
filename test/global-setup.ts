import { ensureConsoleBuilt } from '../local/console';
import { startDynamoDbLocal } from '../local/dynamodb-local';

/**
 * Starts one DynamoDB Local (in memory, free port) for the whole run. Each integration test file
 * creates its own table in it, so files are isolated. Unit-only runs skip Java when
 * SKIP_DYNAMODB_LOCAL=1 (and then build no console either).
 */
export default async function globalSetup(): Promise<void> {
  if (process.env.SKIP_DYNAMODB_LOCAL === '1') return;
  // Built once here (when web/ or the contract changed), so the tests that start `npm start` find a
  // fresh build instead of each waiting for its own on a loaded machine.
  await ensureConsoleBuilt();
  const dynamo = await startDynamoDbLocal();
  process.env.TEST_DYNAMODB_ENDPOINT = dynamo.endpoint;
  process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED = 'true';
  (globalThis as { __dynamoDbLocal?: typeof dynamo }).__dynamoDbLocal = dynamo;
}
