/**
 * The one definition of the single table. The CDK stack, the local runtime (`npm start`) and the
 * integration tests all build the table from this object, so the three cannot drift apart.
 * Key design and access patterns: docs/data-model.md.
 */
export const TABLE_KEYS = {
  partitionKey: 'pk',
  sortKey: 'sk',
  /**
   * GSI1: ordered listings (users by lower(userName), groups by lower(displayName)) and the request
   * log by status class (`T#<t>#REQLOG#4xx`, newest first).
   */
  gsi1: { name: 'gsi1', partitionKey: 'gsi1pk', sortKey: 'gsi1sk' },
  /** GSI2: a tenant's users by fold(primary email), for the console's search by email prefix. */
  gsi2: { name: 'gsi2', partitionKey: 'gsi2pk', sortKey: 'gsi2sk' },
  /** Epoch seconds; DynamoDB TTL removes expired paging cursors, request-log entries and counters. */
  timeToLive: 'expiresAt',
} as const;

export interface TableDefinition {
  attributeDefinitions: { name: string; type: 'S' }[];
  keySchema: { partitionKey: string; sortKey: string };
  globalSecondaryIndexes: { indexName: string; partitionKey: string; sortKey: string; projection: 'ALL' }[];
  timeToLiveAttribute: string;
  stream: 'NEW_AND_OLD_IMAGES';
}

export const TABLE_DEFINITION: TableDefinition = {
  attributeDefinitions: [
    { name: TABLE_KEYS.partitionKey, type: 'S' },
    { name: TABLE_KEYS.sortKey, type: 'S' },
    { name: TABLE_KEYS.gsi1.partitionKey, type: 'S' },
    { name: TABLE_KEYS.gsi1.sortKey, type: 'S' },
    { name: TABLE_KEYS.gsi2.partitionKey, type: 'S' },
    { name: TABLE_KEYS.gsi2.sortKey, type: 'S' },
  ],
  keySchema: { partitionKey: TABLE_KEYS.partitionKey, sortKey: TABLE_KEYS.sortKey },
  globalSecondaryIndexes: [
    {
      indexName: TABLE_KEYS.gsi1.name,
      partitionKey: TABLE_KEYS.gsi1.partitionKey,
      sortKey: TABLE_KEYS.gsi1.sortKey,
      projection: 'ALL',
    },
    {
      indexName: TABLE_KEYS.gsi2.name,
      partitionKey: TABLE_KEYS.gsi2.partitionKey,
      sortKey: TABLE_KEYS.gsi2.sortKey,
      projection: 'ALL',
    },
  ],
  timeToLiveAttribute: TABLE_KEYS.timeToLive,
  stream: 'NEW_AND_OLD_IMAGES',
};
