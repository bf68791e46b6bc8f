import { describe, expect, it, vi } from 'vitest';

// Wrap timingSafeEqual so the tests can see that every comparison goes through it.
vi.mock('node:crypto', async (importOriginal) => {
  const actual = await importOriginal<typeof import('node:crypto')>();
  return { ...actual, timingSafeEqual: vi.fn(actual.timingSafeEqual) };
});

import fc from 'fast-check';
import { timingSafeEqual } from 'node:crypto';
import {
  APPROVAL_LINK_PARAM,
  ApprovalLinkError,
  approvalConfirmationMac,
  createApprovalLinks,
  signApprovalLink,
  verifyApprovalConfirmationMac,
  verifyApprovalLink,
} from '../../../../lambdas/toolkit/approval-links.js';

const secret = 'test-secret-0123456789abcdef0123456789abcdef';
const now = new Date('2026-11-23T10:00:00Z');
const message = {
  approval: {
    pipelineName: 'deploy',
    stageName: 'Gate',
    actionName: 'Review',
    token: '0f9e8d7c-1111-2222-3333-444455556666',
    expires: new Date('2026-11-30T10:00:00Z'),
  },
};
const callbackUrl = 'https://abc.lambda-url.eu-west-1.on.aws/';

function linkOf(url: string): string {
  return new URL(url).searchParams.get(APPROVAL_LINK_PARAM) ?? '';
}

/** Re-encodes the payload with one field changed, keeping the original signature. */
function tamper(link: string, field: string, value: unknown): string {
  const [v, payload, sig] = link.split('.');
  const data = JSON.parse(Buffer.from(payload, 'base64url').toString('utf8'));
  data[field] = value;
  return `${v}.${Buffer.from(JSON.stringify(data)).toString('base64url')}.${sig}`;
}

describe('Function: createApprovalLinks', () => {
  it('signs an approve and a reject link that verify with their decision', () => {
    // Act
    const links = createApprovalLinks(message, { secret, callbackUrl, now });
    const approve = verifyApprovalLink(linkOf(links.approve), { secret, now });
    const reject = verifyApprovalLink(linkOf(links.reject), { secret, now });
    // Assess
    expect(links.approve.startsWith(callbackUrl)).toBe(true);
    expect(approve).toMatchObject({ ok: true, payload: { decision: 'approve', pipelineName: 'deploy' } });
    expect(reject).toMatchObject({
      ok: true,
      payload: { decision: 'reject', token: message.approval.token },
    });
    expect(links.expiresAt.toISOString()).toBe('2026-11-23T11:00:00.000Z');
  });

  it('never lets a link outlive the approval', () => {
    // Prepare
    const soon = { approval: { ...message.approval, expires: new Date('2026-11-23T10:05:00Z') } };
    // Act
    const links = createApprovalLinks(soon, { secret, callbackUrl, now, ttlSeconds: 86_400 });
    // Assess
    expect(links.expiresAt.toISOString()).toBe('2026-11-23T10:05:00.000Z');
    const later = new Date('2026-11-23T10:05:01Z');
    expect(verifyApprovalLink(linkOf(links.approve), { secret, now: later })).toMatchObject({
      ok: false,
      reason: 'expired',
    });
  });

  it('refuses an approval that has already expired, a short secret and a bad URL', () => {
    // Prepare
    const past = { approval: { ...message.approval, expires: new Date('2026-11-23T09:59:00Z') } };
    // Act / Assess
    expect(() => createApprovalLinks(past, { secret, callbackUrl, now })).toThrow(ApprovalLinkError);
    expect(() => createApprovalLinks(message, { secret: 'short', callbackUrl, now })).toThrow(/32 bytes/);
    expect(() => createApprovalLinks(message, { secret, callbackUrl: 'not a url', now })).toThrow(/URL/);
    expect(() => createApprovalLinks(message, { secret, callbackUrl, now, ttlSeconds: 0 })).toThrow(/ttl/);
  });

  it('gives every link its own nonce', () => {
    // Act
    const a = createApprovalLinks(message, { secret, callbackUrl, now });
    const b = createApprovalLinks(message, { secret, callbackUrl, now });
    const nonces = [a.approve, a.reject, b.approve, b.reject].map((u) => {
      const r = verifyApprovalLink(linkOf(u), { secret, now });
      return r.ok ? r.payload.nonce : '';
    });
    // Assess
    expect(new Set(nonces).size).toBe(4);
  });
});

describe('Function: verifyApprovalLink', () => {
  const link = linkOf(createApprovalLinks(message, { secret, callbackUrl, now }).approve);

  it.each([
    ['p', 'other-pipeline'],
    ['s', 'Prod'],
    ['a', 'Other'],
    ['t', '00000000-0000-0000-0000-000000000000'],
    ['d', 'reject'],
    ['e', 4_102_444_800],
    ['n', 'AAAAAAAAAAAAAAAAAAAAAA'],
  ])('refuses a link whose field %s was changed', (field, value) => {
    // Act
    const result = verifyApprovalLink(tamper(link, field, value), { secret, now });
    // Assess
    expect(result).toEqual({ ok: false, reason: 'bad-signature' });
  });

  it('refuses a link signed with another secret, a cut signature and garbage', () => {
    // Prepare
    const other = linkOf(
      createApprovalLinks(message, { secret: `${secret}-other`, callbackUrl, now }).approve,
    );
    // Act / Assess
    expect(verifyApprovalLink(other, { secret, now })).toMatchObject({ reason: 'bad-signature' });
    expect(verifyApprovalLink(link.slice(0, -4), { secret, now })).toMatchObject({ reason: 'bad-signature' });
    expect(verifyApprovalLink(`${link}AAAA`, { secret, now })).toMatchObject({ reason: 'bad-signature' });
    expect(verifyApprovalLink('v2.abc.def', { secret, now })).toMatchObject({
      reason: 'unsupported-version',
    });
    expect(verifyApprovalLink('nonsense', { secret, now })).toMatchObject({ reason: 'malformed' });
    expect(verifyApprovalLink('v1.a b.c', { secret, now })).toMatchObject({ reason: 'malformed' });
    expect(verifyApprovalLink('x'.repeat(5000), { secret, now })).toMatchObject({ reason: 'malformed' });
  });

  it('reports expired only for a genuine link, after its expiry', () => {
    // Act
    const atExpiry = verifyApprovalLink(link, { secret, now: new Date('2026-11-23T11:00:00Z') });
    const before = verifyApprovalLink(link, { secret, now: new Date('2026-11-23T10:59:59Z') });
    // Assess
    expect(atExpiry).toMatchObject({ ok: false, reason: 'expired', payload: { decision: 'approve' } });
    expect(before.ok).toBe(true);
  });

  it('compares signatures with timingSafeEqual on equal-length buffers, also for a wrong length', () => {
    // Prepare
    const spy = vi.mocked(timingSafeEqual);
    spy.mockClear();
    // Act
    verifyApprovalLink(link, { secret, now });
    verifyApprovalLink(link.slice(0, -10), { secret, now });
    verifyApprovalLink(`${link.split('.').slice(0, 2).join('.')}.!!`, { secret, now });
    // Assess
    expect(spy).toHaveBeenCalledTimes(3);
    for (const [a, b] of spy.mock.calls) expect((a as Buffer).length).toBe((b as Buffer).length);
  });
});

describe('Function: verifyApprovalConfirmationMac', () => {
  it('binds the confirmation to the exact link signature', () => {
    // Prepare
    const links = createApprovalLinks(message, { secret, callbackUrl, now });
    const a = verifyApprovalLink(linkOf(links.approve), { secret, now });
    const b = verifyApprovalLink(linkOf(links.reject), { secret, now });
    if (!a.ok || !b.ok) throw new Error('links must verify');
    // Act
    const confirm = approvalConfirmationMac(a.signature, secret);
    // Assess
    expect(confirm).not.toBe(a.signature);
    expect(verifyApprovalConfirmationMac(confirm, a.signature, secret)).toBe(true);
    expect(verifyApprovalConfirmationMac(confirm, b.signature, secret)).toBe(false);
    expect(verifyApprovalConfirmationMac(a.signature, a.signature, secret)).toBe(false);
    expect(verifyApprovalConfirmationMac('', a.signature, secret)).toBe(false);
  });
});

describe('Function: signApprovalLink', () => {
  it('keeps the callback URL query and path and rejects names the API would refuse', () => {
    // Act
    const url = signApprovalLink(message.approval, 'reject', new Date('2026-11-23T10:30:00Z'), {
      secret,
      callbackUrl: 'http://127.0.0.1:4566/_cpkit/functions/cb/?x=1',
      now,
    });
    // Assess
    expect(url.startsWith('http://127.0.0.1:4566/_cpkit/functions/cb/?x=1&link=v1.')).toBe(true);
    expect(() =>
      signApprovalLink({ ...message.approval, token: '' }, 'approve', new Date('2026-11-23T10:30:00Z'), {
        secret,
        callbackUrl,
        now,
      }),
    ).toThrow(/invalid: t$/);
  });
});

describe('Function: verifyApprovalLink (property)', () => {
  it('never accepts a link with any single character changed', () => {
    // Prepare
    const link = linkOf(createApprovalLinks(message, { secret, callbackUrl, now }).approve);
    const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_.';
    // Act / Assess
    fc.assert(
      fc.property(
        fc.integer({ min: 0, max: link.length - 1 }),
        fc.constantFrom(...alphabet.split('')),
        (index, ch) => {
          fc.pre(link[index] !== ch);
          const changed = link.slice(0, index) + ch + link.slice(index + 1);
          const result = verifyApprovalLink(changed, { secret, now });
          // base64url has unused low bits in its last character: a change there may decode to the same bytes.
          const sameBytes =
            result.ok &&
            Buffer.from(changed.split('.')[2] ?? '', 'base64url').equals(
              Buffer.from(link.split('.')[2], 'base64url'),
            );
          return !result.ok || sameBytes;
        },
      ),
      { numRuns: 500 },
    );
  });
});
