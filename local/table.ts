import {
  CreateTableCommand,
  DescribeTableCommand,
  type DynamoDBClient,
  ResourceInUseException,
  UpdateTableCommand,
  UpdateTimeToLiveCommand,
} from '@aws-sdk/client-dynamodb';
import { TABLE_DEFINITION, type TableDefinition } from '../lambdas/store/table-definition';

/**
 * Creates the single table from the shared definition unless it exists (local runtime and tests). A
 * table kept from an older version (`.local/dynamodb`) gets the indexes added since, one UpdateTable
 * each, as CloudFormation does in AWS; items written before an index existed appear in it once rewritten.
 *
 * `stream: false` (a service without the stream consumer: most integration tests, the bench) makes
 * the table without its stream. DynamoDB Local pays for its streams on every write in time that grows
 * with every stream record it holds, across all its tables, deleted ones too (4,000-item loads into
 * three fresh tables took 8.8, 12.3 and 18.3 s with streams, 6.0, 3.5 and 3.1 s without;
 * docs/decisions.md). AWS has no such cost; a table nobody reads the stream of need not pay it here.
 * A table asked for with its stream gets it switched on if it was made without.
 */
export async function ensureTable(
  client: DynamoDBClient,
  tableName: string,
  def: TableDefinition = TABLE_DEFINITION,
  options: { stream?: boolean } = {},
): Promise<void> {
  const stream = options.stream ?? true;
  try {
    await client.send(
      new CreateTableCommand({
        TableName: tableName,
        BillingMode: 'PAY_PER_REQUEST',
        AttributeDefinitions: def.attributeDefinitions.map((a) => ({
          AttributeName: a.name,
          AttributeType: a.type,
        })),
        KeySchema: [
          { AttributeName: def.keySchema.partitionKey, KeyType: 'HASH' },
          { AttributeName: def.keySchema.sortKey, KeyType: 'RANGE' },
        ],
        GlobalSecondaryIndexes: def.globalSecondaryIndexes.map((g) => ({
          IndexName: g.indexName,
          KeySchema: [
            { AttributeName: g.partitionKey, KeyType: 'HASH' },
            { AttributeName: g.sortKey, KeyType: 'RANGE' },
          ],
          Projection: { ProjectionType: g.projection },
        })),
        ...(stream ? { StreamSpecification: { StreamEnabled: true, StreamViewType: def.stream } } : {}),
      }),
    );
    await client.send(
      new UpdateTimeToLiveCommand({
        TableName: tableName,
        TimeToLiveSpecification: { AttributeName: def.timeToLiveAttribute, Enabled: true },
      }),
    );
  } catch (error) {
    if (!(error instanceof ResourceInUseException) && (error as Error).name !== 'ResourceInUseException')
      throw error;
  }
  await addWhatIsMissing(client, tableName, def, stream);
}

/** An existing table gets the stream (when asked for) and the indexes it lacks; one DescribeTable. */
async function addWhatIsMissing(
  client: DynamoDBClient,
  tableName: string,
  def: TableDefinition,
  stream: boolean,
) {
  const described = await client.send(new DescribeTableCommand({ TableName: tableName }));
  if (stream && !described.Table?.StreamSpecification?.StreamEnabled)
    await client.send(
      new UpdateTableCommand({
        TableName: tableName,
        StreamSpecification: { StreamEnabled: true, StreamViewType: def.stream },
      }),
    );
  const present = new Set((described.Table?.GlobalSecondaryIndexes ?? []).map((g) => g.IndexName));
  for (const index of def.globalSecondaryIndexes.filter((g) => !present.has(g.indexName))) {
    await client.send(
      new UpdateTableCommand({
        TableName: tableName,
        AttributeDefinitions: def.attributeDefinitions
          .filter((a) => a.name === index.partitionKey || a.name === index.sortKey)
          .map((a) => ({ AttributeName: a.name, AttributeType: a.type })),
        GlobalSecondaryIndexUpdates: [
          {
            Create: {
              IndexName: index.indexName,
              KeySchema: [
                { AttributeName: index.partitionKey, KeyType: 'HASH' },
                { AttributeName: index.sortKey, KeyType: 'RANGE' },
              ],
              Projection: { ProjectionType: index.projection },
            },
          },
        ],
      }),
    );
  }
}
