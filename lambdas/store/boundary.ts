import { DomainError, StorageFailureError } from '../domain/errors';

/** A domain error passes; anything else (a DynamoDB exception, a network error) is wrapped, cause kept. */
export function toDomainError(error: unknown): DomainError {
  return error instanceof DomainError ? error : new StorageFailureError({ cause: error });
}

function isAsyncIterable(value: unknown): value is AsyncIterable<unknown> {
  return typeof (value as AsyncIterable<unknown> | undefined)?.[Symbol.asyncIterator] === 'function';
}

async function* translatedIteration<T>(iterable: AsyncIterable<T>): AsyncGenerator<T> {
  try {
    yield* iterable;
  } catch (error) {
    throw toDomainError(error);
  }
}

/**
 * The store's boundary: every method of a repository, whether it returns a promise or pages through
 * an async iterable, throws only domain errors. The repositories translate what they understand
 * (a failed guard is a UniquenessError, a moved version a WriteConflictError) and this wrapper turns
 * whatever is left into a StorageFailureError with the original as its `cause`, so no raw AWS SDK
 * exception reaches a use case. Each repository's constructor returns itself through this.
 */
export function storeBoundary<T extends object>(repository: T): T {
  return new Proxy(repository, {
    get(target, property, receiver) {
      const value = Reflect.get(target, property, receiver);
      if (typeof value !== 'function' || property === 'constructor') return value;
      return (...args: unknown[]) => {
        let result: unknown;
        try {
          result = value.apply(receiver, args);
        } catch (error) {
          throw toDomainError(error);
        }
        if (result instanceof Promise) return result.catch((error) => Promise.reject(toDomainError(error)));
        if (isAsyncIterable(result)) return translatedIteration(result);
        return result;
      };
    },
  });
}
