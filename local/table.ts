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
 */
export async function ensureTable(
  client: DynamoDBClient,
  tableName: string,
  def: TableDefinition = TABLE_DEFINITION,
): Promise<void> {
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
        StreamSpecification: { StreamEnabled: true, StreamViewType: def.stream },
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
  await addMissingIndexes(client, tableName, def);
}

async function addMissingIndexes(client: DynamoDBClient, tableName: string, def: TableDefinition) {
  const described = await client.send(new DescribeTableCommand({ TableName: tableName }));
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
