import { describe, expect, it } from 'vitest';
import { EngineFlagsError, engineSettingsFromFlags } from '../../../../local/commands/engine-flags.js';

describe('Function: engineSettingsFromFlags (--custom-job-timeout)', () => {
  it('turns seconds into customJobTimeoutMs', () => {
    expect(engineSettingsFromFlags({ customJobTimeout: '90' }).customJobTimeoutMs).toBe(90_000);
  });

  it.each(['0', '-5', 'soon', '86401'])('rejects %s naming the flag', (value) => {
    expect(() => engineSettingsFromFlags({ customJobTimeout: value })).toThrow(EngineFlagsError);
    expect(() => engineSettingsFromFlags({ customJobTimeout: value })).toThrow(/--custom-job-timeout/);
  });
});
