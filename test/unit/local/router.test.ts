import { describe, expect, it } from 'vitest';
import { Router } from '../../../local/router.js';

const noop = () => undefined;

describe('Class: Router', () => {
  it('matches literal, :param and * segments', () => {
    // Prepare
    const router = new Router()
      .add('POST', '/_cpkit/webhooks/:name', noop)
      .add('*', '/_cpkit/functions/:name/*', noop);

    // Act
    const hook = router.match('POST', '/_cpkit/webhooks/my%20hook');
    const fn = router.match('GET', '/_cpkit/functions/f1/a/b');
    const fnRoot = router.match('PUT', '/_cpkit/functions/f1/');

    // Assess
    expect(hook).toMatchObject({ kind: 'found', params: { name: 'my hook' } });
    expect(fn).toMatchObject({ kind: 'found', params: { name: 'f1', '*': 'a/b' } });
    expect(fnRoot).toMatchObject({ kind: 'found', params: { name: 'f1', '*': '' } });
  });

  it('tells not-found from method-not-allowed', () => {
    // Prepare
    const router = new Router().add('POST', '/_cpkit/webhooks/:name', noop);

    // Act / Assess
    expect(router.match('GET', '/_cpkit/webhooks/x')).toEqual({
      kind: 'method-not-allowed',
      allowed: ['POST'],
    });
    expect(router.match('POST', '/_cpkit/webhooks/x/y')).toEqual({ kind: 'not-found' });
    expect(router.match('POST', '/_cpkit/webhooks/')).toEqual({ kind: 'not-found' });
  });

  it('refuses patterns outside /_cpkit/ and a * that is not last', () => {
    // Act / Assess
    expect(() => new Router().add('GET', '/webhooks', noop)).toThrow(/\/_cpkit\//);
    expect(() => new Router().add('GET', '/_cpkit/*/x', noop)).toThrow(/last segment/);
  });
});
