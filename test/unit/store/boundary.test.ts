import { StorageFailureError, UniquenessError } from '../../../lambdas/domain/errors';
import { storeBoundary } from '../../../lambdas/store/boundary';

/** A stand-in for a repository whose DynamoDB calls fail the way the SDK's do. */
class FlakyRepository {
  readonly raw = Object.assign(new Error('Rate exceeded'), { name: 'ThrottlingException' });

  async read(): Promise<string> {
    throw this.raw;
  }
  async translated(): Promise<string> {
    throw new UniquenessError('taken');
  }
  async ok(value: string): Promise<string> {
    return `${value}:${this.helper()}`;
  }
  helper(): string {
    return 'helped';
  }
  syncThrow(): number {
    throw this.raw;
  }
  async *pages(failAfter: number): AsyncGenerator<number[]> {
    for (let page = 0; ; page++) {
      if (page === failAfter) throw this.raw;
      yield [page];
    }
  }
}

describe('the store boundary', () => {
  const repository = storeBoundary(new FlakyRepository());

  test('a raw SDK error from a promise becomes a StorageFailureError keeping it as cause', async () => {
    const error = await repository.read().catch((e: unknown) => e);
    expect(error).toBeInstanceOf(StorageFailureError);
    expect((error as Error).cause).toBe(repository.raw);
  });

  test('a domain error passes unchanged', async () => {
    await expect(repository.translated()).rejects.toBeInstanceOf(UniquenessError);
  });

  test('results and internal calls are untouched', async () => {
    await expect(repository.ok('v')).resolves.toBe('v:helped');
  });

  test('a synchronous throw is translated too', () => {
    expect(() => repository.syncThrow()).toThrow(StorageFailureError);
  });

  test('a listing that fails after some pages yields them, then a StorageFailureError', async () => {
    const seen: number[][] = [];
    const error = await (async () => {
      for await (const page of repository.pages(2)) seen.push(page);
    })().catch((e: unknown) => e);
    expect(seen).toEqual([[0], [1]]);
    expect(error).toBeInstanceOf(StorageFailureError);
    expect((error as Error).cause).toBe(repository.raw);
  });

  test('the real repositories are behind it: a misconfigured table is a StorageFailureError', async () => {
    const saved = process.env.TABLE_NAME;
    delete process.env.TABLE_NAME;
    try {
      const { DynamoUserRepository } = await import('../../../lambdas/store/user-repository');
      const cursors = { key: async () => new Uint8Array(32), timeoutSeconds: 60, nowSeconds: () => 0 };
      const error = await new DynamoUserRepository(cursors).get('t', 'u').catch((e: unknown) => e);
      expect(error).toBeInstanceOf(StorageFailureError);
      expect(((error as Error).cause as Error).message).toBe('TABLE_NAME is not set');
    } finally {
      if (saved !== undefined) process.env.TABLE_NAME = saved;
    }
  });
});
