import { describe, expect, it } from 'vitest';
import { contentRange, parseRange } from '../../../../local/s3/range.js';

describe('Function: parseRange', () => {
  it.each([
    ['bytes=0-9', 100, { start: 0, end: 9 }],
    ['bytes=90-', 100, { start: 90, end: 99 }],
    ['bytes=-10', 100, { start: 90, end: 99 }],
    ['bytes=-1000', 100, { start: 0, end: 99 }],
    ['bytes=50-1000', 100, { start: 50, end: 99 }],
    ['bytes=99-99', 100, { start: 99, end: 99 }],
  ])('resolves %s of a %i-byte object', (header, size, expected) => {
    expect(parseRange(header, size)).toEqual(expected);
  });

  it.each([undefined, 'items=0-1', 'bytes=0-1,3-4', 'bytes=5-2', 'bytes=-', 'bytes=a-b'])(
    'ignores %s (whole object)',
    (h) => {
      expect(parseRange(h, 100)).toBeUndefined();
    },
  );

  it.each([
    ['bytes=100-', 100],
    ['bytes=200-300', 100],
    ['bytes=-0', 100],
    ['bytes=0-', 0],
    ['bytes=-5', 0],
  ])('rejects %s of a %i-byte object with InvalidRange (416)', (header, size) => {
    expect(() => parseRange(header, size)).toThrow(
      expect.objectContaining({ code: 'InvalidRange', status: 416 }),
    );
  });

  it('formats Content-Range', () => {
    expect(contentRange({ start: 0, end: 9 }, 100)).toBe('bytes 0-9/100');
  });
});
