import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import {
  JobConfigurationError,
  parseConfiguration,
  secretPropertyNames,
} from '../../../../lambdas/toolkit/job-worker-config.js';

const declared = [
  { name: 'Profile', required: true },
  { name: 'Threshold', required: false, type: 'Number' },
  { name: 'Deep', required: false, type: 'Boolean' },
  { name: 'Token', required: false, secret: true },
] as const;

describe('Function: parseConfiguration', () => {
  it('types values from the declarations and leaves absent optional ones out', () => {
    const config = parseConfiguration(declared, { Profile: 'strict', Threshold: ' 4.5 ', Deep: 'TRUE' });
    const threshold: number | undefined = config.Threshold;
    expect(config).toEqual({ Profile: 'strict', Threshold: 4.5, Deep: true });
    expect(threshold).toBe(4.5);
  });

  it('names every bad property and never quotes a value', () => {
    // Act
    let error: unknown;
    try {
      parseConfiguration(declared, { Threshold: 'lots-of-secret-stuff', Deep: 'yes', Token: 'tok-1' });
    } catch (e) {
      error = e;
    }
    // Assess
    expect(error).toBeInstanceOf(JobConfigurationError);
    expect((error as JobConfigurationError).failureType).toBe('ConfigurationError');
    expect((error as Error).message).toBe(
      'invalid action configuration: configuration.Profile: required; configuration.Threshold: expected a number; configuration.Deep: expected true or false',
    );
  });

  it('applies a zod schema to the whole configuration', () => {
    const schema = z.object({ Retries: z.coerce.number().int().max(5) });
    expect(parseConfiguration(schema, { Retries: '3' })).toEqual({ Retries: 3 });
    expect(() => parseConfiguration(schema, { Retries: '9' })).toThrow(
      /configuration\.Retries: must be <= 5/,
    );
  });

  it('returns the raw map without a spec', () => {
    expect(parseConfiguration(undefined, { A: 'b' })).toEqual({ A: 'b' });
  });
});

describe('Function: secretPropertyNames', () => {
  it('lists the declared secret properties only', () => {
    expect(secretPropertyNames(declared)).toEqual(['Token']);
    expect(secretPropertyNames(z.object({}))).toEqual([]);
  });
});
