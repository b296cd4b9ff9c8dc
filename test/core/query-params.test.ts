/** The one reader of optional query-string parameters (catalogue lists, 事项 lists). */
import { queryParams } from '../../core/http';
import { ApiError } from '../../core/result-codes';

function failure(fn: () => unknown): ApiError {
  try {
    fn();
  } catch (err) {
    return err as ApiError;
  }
  throw new Error('expected a 400');
}

test('absent or empty → undefined or the default; present → the value', () => {
  const q = queryParams({ q: '食品', page: '3', empty: '' });
  expect([q.text('q'), q.text('none'), q.text('empty')]).toEqual(['食品', undefined, undefined]);
  expect([q.int('page', 1, 1000), q.int('page_size', 50, 300)]).toEqual([3, 50]);
});

test('a list, an overlong text or a number out of range is a 400 naming the parameter', () => {
  const q = queryParams({ q: ['a', 'b'], long: 'x'.repeat(101), page: '0', size: '301', odd: '1e3' });
  for (const [fn, field, msg] of [
    [() => q.text('q'), 'q', '取值不合法'],
    [() => q.text('long'), 'long', '取值不合法'],
    [() => q.int('page', 1, 1000), 'page', '应为 1 至 1000 的整数'],
    [() => q.int('size', 50, 300), 'size', '应为 1 至 300 的整数'],
    [() => q.int('odd', 1, 5000), 'odd', '应为 1 至 5000 的整数'],
  ] as const) {
    const err = failure(fn);
    expect(err).toBeInstanceOf(ApiError);
    expect(err.message).toBe(`参数错误：${field} ${msg}`);
  }
});
