import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { captureAwsClient } from '../config/observability';

/**
 * One DocumentClient per process. The endpoint comes from the SDK's own environment variables
 * (AWS_ENDPOINT_URL_DYNAMODB locally), so handlers carry no endpoint code. Its calls are X-Ray
 * subsegments in AWS (lambdas/config/observability.ts; tracing is off locally).
 */
let documentClient: DynamoDBDocumentClient | undefined;
const middlewares: ((client: DynamoDBClient) => void)[] = [];

export function getDocumentClient(): DynamoDBDocumentClient {
  if (!documentClient) {
    const client = captureAwsClient(new DynamoDBClient({ maxAttempts: 5 }));
    for (const add of middlewares) add(client);
    documentClient = DynamoDBDocumentClient.from(client, {
      marshallOptions: { removeUndefinedValues: true, convertClassInstanceToMap: false },
    });
  }
  return documentClient;
}

/** Lets the benchmark count consumed capacity / items read with an SDK middleware. */
export function onDynamoDbClientCreated(add: (client: DynamoDBClient) => void): void {
  middlewares.push(add);
  documentClient = undefined;
}

export function tableName(): string {
  const name = process.env.TABLE_NAME;
  if (!name) throw new Error('TABLE_NAME is not set');
  return name;
}
