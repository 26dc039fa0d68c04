/**
 * Creates resources through SCIM `POST /Bulk`, 100 operations a request, and sends again the
 * operations the service answered 503 (Bulk starts no operation after its time budget, which a loaded
 * test machine reaches). Any other failure fails the seeding. Answers each operation's result by
 * bulkId, in the order the operations were given.
 */
export interface BulkOperation {
  method: 'POST';
  path: string;
  bulkId: string;
  data: Record<string, unknown>;
}
export interface BulkResult {
  bulkId: string;
  status: string;
  location: string;
}
type Send = (body: unknown) => Promise<{ status: number; body: unknown; text: string }>;

const BULK_REQUEST = 'urn:ietf:params:scim:api:messages:2.0:BulkRequest';

export async function bulkCreate(send: Send, operations: BulkOperation[]): Promise<BulkResult[]> {
  const done = new Map<string, BulkResult>();
  let pending = operations;
  for (let round = 0; pending.length > 0; round++) {
    if (round >= 20) throw new Error(`bulk seeding: ${pending.length} operations still unprocessed`);
    const retry: BulkOperation[] = [];
    for (let i = 0; i < pending.length; i += 100) {
      const batch = pending.slice(i, i + 100);
      const response = await send({ schemas: [BULK_REQUEST], Operations: batch });
      if (response.status !== 200) throw new Error(`bulk seeding: ${response.status} ${response.text}`);
      const results = (response.body as { Operations: BulkResult[] }).Operations;
      for (const result of results) {
        if (result.status === '201') done.set(result.bulkId, result);
        else if (result.status !== '503') throw new Error(`bulk seeding: ${JSON.stringify(result)}`);
      }
      retry.push(...batch.filter((op) => !done.has(op.bulkId)));
    }
    pending = retry;
  }
  return operations.map((op) => done.get(op.bulkId) as BulkResult);
}
