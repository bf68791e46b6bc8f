import { describe, expect, it } from 'vitest';
import {
  fingerprintOf,
  maskSecret,
  scanText,
  shannonEntropy,
} from '../../../../../lambdas/handlers/secret-scan/rules.js';

const KEY_ID = 'AKIAIOSFODNN7EXAMPLE'; // AWS's documented example key id
const TOKEN = 'q8Zr4Lw2Xv9Tn1Bk7Yp3Hs6Dm0Gf5JcA'; // 33 chars, 5 bits/char
const HEX = 'f3a9c81b7e2d4056a1b9c3e7d2f80a46';
const BEGIN = '-----BEGIN ' + 'RSA PRIVATE KEY-----';
const END = '-----END ' + 'RSA PRIVATE KEY-----';

describe('Function: shannonEntropy', () => {
  it.each([
    ['', 0],
    ['aaaa', 0],
    ['abcd', 2],
    ['abababab', 1],
  ])('of %j is %d bits per char', (text, bits) => {
    expect(shannonEntropy(text)).toBeCloseTo(bits, 6);
  });
});

describe('Function: maskSecret', () => {
  it('keeps 4 characters and the length, never the value', () => {
    expect(maskSecret(KEY_ID)).toBe('AKIA************ (20 chars)');
    expect(maskSecret(TOKEN)).not.toContain(TOKEN.slice(4, 8));
  });
});

describe('Function: scanText', () => {
  it('finds AWS access key ids (AKIA and ASIA) with file:line, masked', () => {
    // Prepare
    const text = `a = 1\naws_access_key_id = ${KEY_ID}\nsts = "ASIA${'Q'.repeat(16)}"\n`;
    // Act
    const findings = scanText(text, 'config/aws.ini');
    // Assess
    expect(findings.map((f) => [f.file, f.line, f.rule])).toEqual([
      ['config/aws.ini', 2, 'aws-access-key-id'],
      ['config/aws.ini', 3, 'aws-access-key-id'],
    ]);
    expect(findings[0].masked).toBe('AKIA************ (20 chars)');
    expect(findings[0].fingerprint).toBe(fingerprintOf(KEY_ID));
    expect(JSON.stringify(findings)).not.toContain(KEY_ID);
  });

  it.each([
    [`AKIA${'B'.repeat(17)}`, 'one character too long'],
    [`akia${'b'.repeat(16)}`, 'lower case'],
    [`XAKIA${'B'.repeat(16)}`, 'inside a longer word'],
  ])('does not take %s (%s) for a key id', (value) => {
    expect(scanText(value, 'f').filter((f) => f.rule === 'aws-access-key-id')).toEqual([]);
  });

  it('reports a private key block once, at its BEGIN line, and scans on after its END line', () => {
    const body = Array.from(
      { length: 3 },
      () => 'MIIEowIBAAKCAQEA3Tz2mr7SZiAMfQyuvBjM2RTbmH0cQ5Zf9Xw1bK8s',
    ).join('\n');
    const text = `x\n${BEGIN}\n${body}\n${END}\nkey=${KEY_ID}\n`;
    const findings = scanText(text, 'id_rsa');
    expect(findings.map((f) => [f.line, f.rule])).toEqual([
      [2, 'private-key'],
      [7, 'aws-access-key-id'],
    ]);
  });

  it('finds high-entropy base64 and hex tokens of 20 chars or more', () => {
    const findings = scanText(`token: "${TOKEN}"\nsecret=${HEX}\n`, 'app.env');
    expect(findings.map((f) => [f.line, f.rule])).toEqual([
      [1, 'high-entropy-token'],
      [2, 'high-entropy-token'],
    ]);
  });

  it.each([
    ['an identifier', 'const createArtifactS3ClientFromEnvironment = 1;'],
    ['a path', 'import x from "../../toolkit/job-worker-handler.js";'],
    ['a UUID', 'id: 123e4567-e89b-12d3-a456-426614174000'],
    ['a short token', 'k=Zr4Lw2Xv9Tn1Bk7Yp'],
    ['a repeated hex run', 'color: 0000000000000000000000000000aaaa'],
    [
      'a subresource-integrity hash',
      '"integrity": "sha512-q8Zr4Lw2Xv9Tn1Bk7Yp3Hs6Dm0Gf5JcAq8Zr4Lw2Xv9Tn1Bk7Yp3Hs6Dm0Gf5Jc=="',
    ],
  ])('does not flag %s', (_name, line) => {
    expect(scanText(line, 'f')).toEqual([]);
  });

  it('honours a stricter threshold', () => {
    const text = `t=${TOKEN}`;
    expect(scanText(text, 'f', { base64: 5.5, hex: 3, minLength: 20 })).toEqual([]);
  });
});
