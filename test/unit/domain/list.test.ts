import { windowOfMatches } from '../../../lambdas/domain/list';

describe('windowOfMatches', () => {
  test('counts every match and keeps only the window', async () => {
    async function* pages() {
      yield [1, 2, 3, 4];
      yield [5, 6, 7, 8, 9, 10];
    }
    const { items, totalResults } = await windowOfMatches(pages(), (n) => n % 2 === 0, 2, 3);
    expect(totalResults).toBe(5);
    expect(items).toEqual([4, 6, 8]);
  });
});
