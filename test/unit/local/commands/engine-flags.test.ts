import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { EngineFlagsError, engineSettingsFromFlags } from '../../../../local/commands/engine-flags.js';
import { removeDir, tempDir } from '../../../helpers/local-server.js';

let dir: string | undefined;
afterEach(() => {
  if (dir) removeDir(dir);
  dir = undefined;
});

describe('Function: engineSettingsFromFlags', () => {
  it('turns the serve flags into engine settings', () => {
    dir = tempDir('cpkit-flags-');
    const rules = join(dir, 'rules.json');
    writeFileSync(
      rules,
      JSON.stringify({
        rules: [
          { name: 'r', eventPattern: { source: ['aws.codepipeline'] }, targets: [{ function: 'notify' }] },
        ],
      }),
    );
    const settings = engineSettingsFromFlags({
      jobReplyTimeout: '1.5',
      lambdaRetryDelays: '10, 20',
      simulate: ['CodeBuild=succeed', 'CloudFormation=fail,ECS=succeed'],
      startOnCreate: false,
      rules,
    });
    expect(settings).toEqual({
      jobReplyTimeoutMs: 1500,
      lambdaRetryDelaysMs: [10, 20],
      simulate: { CodeBuild: 'succeed', CloudFormation: 'fail', ECS: 'succeed' },
      startOnCreate: false,
      rules: [
        { name: 'r', eventPattern: { source: ['aws.codepipeline'] }, targets: [{ function: 'notify' }] },
      ],
    });
    expect(engineSettingsFromFlags({ startOnCreate: true })).toEqual({});
  });

  it.each([
    [{ jobReplyTimeout: '0' }, /--job-reply-timeout must be a number of seconds/],
    [{ jobReplyTimeout: 'soon' }, /--job-reply-timeout/],
    [{ lambdaRetryDelays: '1000' }, /--lambda-retry-delays must be two integers/],
    [{ simulate: ['CodeBuild'] }, /--simulate: expected Provider=succeed or Provider=fail, got "CodeBuild"/],
    [{ simulate: ['CodeBuild=maybe'] }, /--simulate/],
    [{ rules: '/nonexistent/rules.json' }, /--rules: file not found/],
  ])('rejects %j with a message naming the flag', (flags, message) => {
    expect(() => engineSettingsFromFlags(flags)).toThrow(EngineFlagsError);
    expect(() => engineSettingsFromFlags(flags)).toThrow(message);
  });

  it.each([
    ['{"rules": {}}', /expected \{"rules": \[\.\.\.\]\}/],
    [
      '{"rules": [{"name": "x", "eventPattern": {"source": "aws.codepipeline"}, "targets": [{"function": "f"}]}]}',
      /rules\[0\] \(x\): event pattern at source/,
    ],
    ['{"rules": [{"name": "x", "eventPattern": {}, "targets": []}]}', /"targets" must be a non-empty array/],
    ['not json', /is not valid JSON/],
  ])('rejects the rules file %s', (content, message) => {
    dir = tempDir('cpkit-flags-');
    const rules = join(dir, 'rules.json');
    writeFileSync(rules, content);
    expect(() => engineSettingsFromFlags({ rules })).toThrow(message);
  });
});
