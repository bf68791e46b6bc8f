import fc from 'fast-check';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { buildArtifactCredentials, buildJobEvent } from '../../../../lambdas/testing/index.js';
import { createJobLogger, parseJobEvent, Redactor, REDACTED } from '../../../../lambdas/toolkit/index.js';
import { captureOutput, type CapturedOutput } from '../../../helpers/capture-stdout.js';

let output: CapturedOutput;
beforeEach(() => {
  output = captureOutput();
});
afterEach(() => output.restore());

/** An approval SNS message and a webhook definition, as a handler might log them. */
const approvalToken = '1a2b3c4d-aaaa-4bbb-8ccc-ddddeeeeffff';
const webhookSecret = 'whsec-Zx81-very-secret';
const approvalMessage = {
  region: 'us-east-2',
  approval: { pipelineName: 'web', stageName: 'Gate', actionName: 'Approve', token: approvalToken },
};
const webhook = {
  name: 'hook',
  authentication: 'GITHUB_HMAC',
  authenticationConfiguration: { SecretToken: webhookSecret },
};

describe('Function: createJobLogger', () => {
  it('prints JSON lines with the job context and none of the job secrets, however the event is logged', () => {
    // Prepare
    const creds = buildArtifactCredentials();
    const continuation = 'cursor-secret-0042-abcdef';
    const event = buildJobEvent({
      credentials: creds,
      continuation,
      configuration: { ApiKey: 'custom-secret-value-77' },
    });
    const job = parseJobEvent(event);
    const logger = createJobLogger({
      job,
      secretConfigurationKeys: ['ApiKey'],
      loggerOptions: { serviceName: 'unit' },
    });

    // Act
    logger.info('whole event', { event });
    logger.info(`as text: ${JSON.stringify(event)}`);
    logger.info(JSON.stringify({ wrapped: JSON.stringify(event) }));
    logger.warn('credentials alone', creds);
    logger.info('concatenated ' + creds.accessKeyId + ' / ' + creds.secretAccessKey);
    logger.error('error carrying a token', new Error(`request failed with token ${creds.sessionToken}`));
    logger.info('approval', { sns: approvalMessage, text: JSON.stringify(approvalMessage) });
    logger.info('webhook', { webhook, text: JSON.stringify(webhook) });
    logger.info('config', { configuration: job.configuration });

    // Assess
    const text = output.text();
    const records = output.records();
    expect(records).toHaveLength(9);
    for (const record of records) expect(record).toMatchObject({ job_id: job.id, service: 'unit' });
    for (const secret of [
      creds.accessKeyId,
      creds.secretAccessKey,
      creds.sessionToken,
      continuation,
      approvalToken,
      webhookSecret,
      'custom-secret-value-77',
    ]) {
      expect(text).not.toContain(secret);
    }
    expect(records[0].event['CodePipeline.job'].data.artifactCredentials).toEqual({
      accessKeyId: REDACTED,
      secretAccessKey: REDACTED,
      sessionToken: REDACTED,
      expirationTime: creds.expirationTime,
    });
    expect(records[0].event['CodePipeline.job'].data.inputArtifacts[0].name).toBe('SourceArtifact');
  });

  it('redacts secrets by key and access key ids by shape even without a job', () => {
    // Prepare
    const logger = createJobLogger();
    const strangerCreds = buildArtifactCredentials();

    // Act
    logger.info('no job', {
      artifactCredentials: strangerCreds,
      text: JSON.stringify({ artifactCredentials: strangerCreds }),
    });
    logger.info(`key id ${strangerCreds.accessKeyId} in prose`);

    // Assess
    const text = output.text();
    for (const secret of [
      strangerCreds.accessKeyId,
      strangerCreds.secretAccessKey,
      strangerCreds.sessionToken,
    ]) {
      expect(text).not.toContain(secret);
    }
  });

  it('adds pipeline coordinates when the job carries them (jobs from PollForJobs)', () => {
    // Prepare
    const event = buildJobEvent() as any;
    event['CodePipeline.job'].data.pipelineContext = {
      pipelineName: 'web',
      stage: { name: 'Deploy' },
      action: { name: 'Smoke' },
      pipelineExecutionId: 'exec-1',
    };

    // Act
    createJobLogger({ job: parseJobEvent(event) }).info('hello');

    // Assess
    expect(output.records()[0]).toMatchObject({
      pipeline_name: 'web',
      stage_name: 'Deploy',
      action_name: 'Smoke',
      pipeline_execution_id: 'exec-1',
    });
  });

  it('keeps a user jsonReplacerFn and applies redaction after it', () => {
    const logger = createJobLogger({
      loggerOptions: {
        jsonReplacerFn: (key: string, value: unknown) => (key === 'n' ? Number(value) * 2 : value),
      },
    });
    logger.info('x', { n: 2, secretAccessKey: 'abcd1234' });
    expect(output.records()[0]).toMatchObject({ n: 4, secretAccessKey: REDACTED });
  });
});

describe('Class: Redactor', () => {
  it('redacts registered values, longest first, and leaves other text alone', () => {
    const r = new Redactor();
    r.addSecretValues(['abcdef', 'abcdefghij', 'xy']);
    expect(r.redactText('a abcdefghij b abcdef c xy')).toBe(`a ${REDACTED} b ${REDACTED} c xy`);
  });
});

describe('Class: Redactor (property)', () => {
  // Secrets from characters that cannot rebuild "[REDACTED]" around a replacement, with JSON-special characters.
  const secretArb = fc.string({
    unit: fc.constantFrom(...'abcdefghijklmnopqrstuvwxyz0123456789"\\/{}:,é\n '.split('')),
    minLength: 6,
    maxLength: 40,
  });
  const keyArb = fc.oneof(
    fc.constantFrom('secretAccessKey', 'token', 'SecretToken', 'continuationToken'),
    fc.string({ maxLength: 8 }),
  );

  it('never lets a registered secret through, whatever key holds it and however often it was JSON-encoded', () => {
    fc.assert(
      fc.property(
        secretArb,
        keyArb,
        fc.string({ maxLength: 10 }),
        fc.string({ maxLength: 10 }),
        fc.integer({ min: 0, max: 2 }),
        fc.boolean(),
        (secret, key, prefix, suffix, encodings, nested) => {
          const r = new Redactor();
          r.addSecretValues([secret]);
          let payload: unknown = { [key]: `${prefix}${secret}${suffix}`, other: [1, { deep: secret }] };
          for (let i = 0; i < encodings; i++) payload = JSON.stringify(payload);
          const line = JSON.stringify(nested ? { message: 'x', data: [payload] } : payload, r.replacer);
          const forms = [secret, JSON.stringify(secret).slice(1, -1)];
          return forms.every((f) => !line.includes(f));
        },
      ),
      { numRuns: 300 },
    );
  });
});
