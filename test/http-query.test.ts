import { createQuerySerializer } from 'openapi-fetch';
import { describe, expect, it } from 'vitest';
import { encodeQuery } from '../src/http/query.js';

describe('encodeQuery (the Node transport query string)', () => {
  it('writes what openapi-fetch writes for scalars, arrays and objects', () => {
    const query = { access_token: 'A.b-c_~', openid: 'o6_bm/+=?&#', lang: 'zh_CN', n: 3, ok: true, tags: [1, 'a b'], filter: { tag: 'x&y', n: 2 } };
    expect(encodeQuery(query)).toBe(createQuerySerializer()(query));
    expect(encodeQuery(query)).toBe('access_token=A.b-c_~&openid=o6_bm%2F%2B%3D%3F%26%23&lang=zh_CN&n=3&ok=true&tags=1&tags=a%20b&filter[tag]=x%26y&filter[n]=2');
  });

  it('leaves out undefined, null, empty arrays and empty objects', () => {
    expect(encodeQuery({ a: undefined, b: null, c: [], d: {}, e: '' })).toBe('e=');
    expect(encodeQuery({})).toBe('');
  });

  it('percent-encodes a name that is not a plain word, so it cannot end or split the query', () => {
    expect(encodeQuery({ 'a#b': 1, 'c&d=e': 2, 'x y': 3 })).toBe('a%23b=1&c%26d%3De=2&x%20y=3');
  });

  it('refuses nested arrays and objects', () => {
    expect(() => encodeQuery({ a: [[1]] })).toThrow(/query parameter a: nested/);
    expect(() => encodeQuery({ a: { b: { c: 1 } } })).toThrow(/query parameter a\[b\]: nested/);
  });
});
