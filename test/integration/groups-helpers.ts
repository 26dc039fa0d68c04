import { randomUUID } from 'node:crypto';
import { GetCommand, QueryCommand } from '@aws-sdk/lib-dynamodb';
import { SCIM_ERROR_SCHEMA } from '../../lambdas/scim/errors';
import { getDocumentClient, tableName } from '../../lambdas/store/client';
import { keys } from '../../lambdas/store/keys';
import type { TestResponse, TestService } from '../support/service';

/** Shared by the test/integration/groups-*.test.ts files: one tenant per test, users and groups via HTTP. */

export const GROUP = 'urn:ietf:params:scim:schemas:core:2.0:Group';
export const USER = 'urn:ietf:params:scim:schemas:core:2.0:User';
export const LIST = 'urn:ietf:params:scim:api:messages:2.0:ListResponse';
export const PATCH_OP = 'urn:ietf:params:scim:api:messages:2.0:PatchOp';
export const SEARCH = 'urn:ietf:params:scim:api:messages:2.0:SearchRequest';
/** Entra adds this URN to group creates. */
export const MS_GROUP_SCHEMA = 'http://schemas.microsoft.com/2006/11/ResourceManagement/ADSCIM/2.0/Group';

export const scimError = (status: number, scimType?: string) => ({
  schemas: [SCIM_ERROR_SCHEMA],
  status: String(status),
  ...(scimType ? { scimType } : {}),
  detail: expect.any(String),
});

export type Call = (
  method: string,
  path: string,
  body?: unknown,
  headers?: Record<string, string>,
) => Promise<TestResponse>;

export interface Tenant {
  tenantId: string;
  base: string;
  call: Call;
}

/** A fresh tenant with its token; `call` sends SCIM requests relative to the tenant's base URL. */
export async function newTenant(
  service: TestService,
  label: string,
  defaultHeaders: Record<string, string> = {},
): Promise<Tenant> {
  const tenantId = `${label}-${randomUUID().slice(0, 8)}`;
  const { token, scimBaseUrl } = await service.createToken(tenantId);
  const call: Call = (method, path, body, headers) =>
    service.scim(method, `${scimBaseUrl}${path}`, token, body, { ...defaultHeaders, ...headers });
  return { tenantId, base: scimBaseUrl, call };
}

/** Runs `work` over `items` with at most `limit` in flight. */
export async function inParallel<T, R>(
  items: T[],
  limit: number,
  work: (item: T) => Promise<R>,
): Promise<R[]> {
  const results: R[] = new Array(items.length);
  let next = 0;
  const lane = async () => {
    while (next < items.length) {
      const index = next++;
      results[index] = await work(items[index]);
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, lane));
  return results;
}

export interface CreatedUser {
  id: string;
  userName: string;
  displayName: string;
}

/** Creates `n` users through POST /Users; returns them in creation order. */
export async function createUsers(t: Tenant, n: number, prefix = 'member'): Promise<CreatedUser[]> {
  return inParallel(
    Array.from({ length: n }, (_, i) => i),
    10,
    async (i) => {
      const userName = `${prefix}-${i}-${randomUUID().slice(0, 6)}@example.com`;
      const displayName = `${prefix} ${i}`;
      const response = await t.call('POST', '/Users', { schemas: [USER], userName, displayName });
      if (response.status !== 201) throw new Error(`user create failed: ${response.status} ${response.text}`);
      return { id: response.body.id as string, userName, displayName };
    },
  );
}

/** Creates a group through POST /Groups and returns its body. */
// biome-ignore lint/suspicious/noExplicitAny: SCIM bodies are inspected freely
export async function createGroup(t: Tenant, displayName: string, memberIds: string[] = []): Promise<any> {
  const response = await t.call('POST', '/Groups', {
    schemas: [GROUP],
    displayName,
    members: memberIds.map((value) => ({ value })),
  });
  if (response.status !== 201) throw new Error(`group create failed: ${response.status} ${response.text}`);
  return response.body;
}

/** A PatchOp message. */
export const patchOf = (...Operations: unknown[]) => ({ schemas: [PATCH_OP], Operations });

/** PATCH /Groups/{id}; fails loudly unless the answer is 204. */
export async function patchGroup(t: Tenant, id: string, ...operations: unknown[]): Promise<TestResponse> {
  const response = await t.call('PATCH', `/Groups/${id}`, patchOf(...operations));
  if (response.status !== 204) throw new Error(`group patch failed: ${response.status} ${response.text}`);
  return response;
}

/** The member ids of a group as GET /Groups/{id} returns them, sorted. */
export async function memberIdsOf(t: Tenant, groupId: string): Promise<string[]> {
  const response = await t.call('GET', `/Groups/${groupId}`);
  if (response.status !== 200) throw new Error(`group read failed: ${response.status} ${response.text}`);
  return ((response.body.members ?? []) as { value: string }[]).map((m) => m.value).sort();
}

/**
 * The member count the group item keeps (not part of SCIM output). The handlers run in this process,
 * so the table the local service uses is the one TABLE_NAME names.
 */
export async function storedMemberCount(t: Tenant, groupId: string): Promise<number | undefined> {
  const result = await getDocumentClient().send(
    new GetCommand({ TableName: tableName(), Key: keys.group(t.tenantId, groupId), ConsistentRead: true }),
  );
  return result.Item?.memberCount as number | undefined;
}

/**
 * The membership items left in the table: member edges in a group's partition, or reverse edges in a
 * user's partition (read directly, so a lazy cleanup on read cannot hide a leftover).
 */
export async function storedEdges(t: Tenant, of: { groupId: string } | { userId: string }): Promise<number> {
  const [partitions, prefix] =
    'groupId' in of
      ? [keys.memberPartitions(t.tenantId, of.groupId), keys.memberEdgePrefix]
      : [[keys.userPartition(t.tenantId, of.userId)], keys.memberOfEdgePrefix];
  let count = 0;
  for (const pk of partitions) {
    const result = await getDocumentClient().send(
      new QueryCommand({
        TableName: tableName(),
        KeyConditionExpression: 'pk = :pk AND begins_with(sk, :prefix)',
        ExpressionAttributeValues: { ':pk': pk, ':prefix': prefix },
        ConsistentRead: true,
        Select: 'COUNT',
      }),
    );
    count += result.Count ?? 0;
  }
  return count;
}

/** Both: the members GET returns and the stored count, which must agree. */
export async function expectMembers(t: Tenant, groupId: string, expected: string[]): Promise<void> {
  expect(await memberIdsOf(t, groupId)).toEqual([...expected].sort());
  expect(await storedMemberCount(t, groupId)).toBe(expected.length);
}

export const filterQuery = (filter: string) => `filter=${encodeURIComponent(filter)}`;

export const ids = (users: CreatedUser[]) => users.map((u) => u.id);
