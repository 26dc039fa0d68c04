import { randomUUID } from 'node:crypto';
import { DeleteTableCommand, DescribeTableCommand, DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { TABLE_DEFINITION, TABLE_KEYS } from '../../lambdas/store/table-definition';
import { ensureTable } from '../../local/table';

/**
 * A table kept in .local/ from an older version (before gsi2, the console's email search) gets the
 * indexes added since when `npm start` opens it again, instead of failing every search.
 */
const endpoint = process.env.TEST_DYNAMODB_ENDPOINT as string;
let db: DynamoDBClient;

beforeAll(() => {
  db = new DynamoDBClient({
    endpoint,
    region: 'us-east-1',
    credentials: { accessKeyId: 'local', secretAccessKey: 'local' },
  });
});
afterAll(() => db.destroy());

it('adds the indexes an older table lacks, and leaves a current table as it is', async () => {
  const tableName = `older-${randomUUID()}`;
  const older = {
    ...TABLE_DEFINITION,
    attributeDefinitions: TABLE_DEFINITION.attributeDefinitions.filter((a) => !a.name.startsWith('gsi2')),
    globalSecondaryIndexes: TABLE_DEFINITION.globalSecondaryIndexes.filter(
      (g) => g.indexName !== TABLE_KEYS.gsi2.name,
    ),
  };
  await ensureTable(db, tableName, older);
  const indexesOf = async () =>
    ((await db.send(new DescribeTableCommand({ TableName: tableName }))).Table?.GlobalSecondaryIndexes ?? [])
      .map((g) => g.IndexName)
      .sort();
  expect(await indexesOf()).toEqual(['gsi1']);

  await ensureTable(db, tableName);
  expect(await indexesOf()).toEqual(['gsi1', 'gsi2']);
  await ensureTable(db, tableName);
  expect(await indexesOf()).toEqual(['gsi1', 'gsi2']);
  await db.send(new DeleteTableCommand({ TableName: tableName }));
});

it('makes a table without its stream when nothing consumes it, and switches the stream on when asked', async () => {
  const tableName = `nostream-${randomUUID()}`;
  const streamOf = async () =>
    (await db.send(new DescribeTableCommand({ TableName: tableName }))).Table?.StreamSpecification;
  await ensureTable(db, tableName, undefined, { stream: false });
  expect((await streamOf())?.StreamEnabled ?? false).toBe(false);
  await ensureTable(db, tableName, undefined, { stream: false });
  expect((await streamOf())?.StreamEnabled ?? false).toBe(false);
  await ensureTable(db, tableName);
  expect(await streamOf()).toEqual({ StreamEnabled: true, StreamViewType: TABLE_DEFINITION.stream });
  await db.send(new DeleteTableCommand({ TableName: tableName }));
});
