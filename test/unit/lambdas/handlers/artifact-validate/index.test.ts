import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { handler } from '../../../../../lambdas/handlers/artifact-validate/index.js';
import { startHandlerHarness, type HandlerHarness } from '../../../../helpers/handler-harness.js';
import { rawZip, yazlZip } from '../../../../helpers/zip-craft.js';

let h: HandlerHarness;

const appSchema = JSON.stringify({
  $schema: 'https://json-schema.org/draft/2020-12/schema',
  type: 'object',
  required: ['name', 'port', 'owner'],
  additionalProperties: false,
  properties: {
    name: { type: 'string', minLength: 1 },
    port: { type: 'integer', minimum: 1, maximum: 65535 },
    owner: { type: 'string', format: 'email' },
    stage: { enum: ['dev', 'prod'] },
  },
});

beforeAll(async () => {
  h = await startHandlerHarness();
  await h.store.put(
    'in/good.zip',
    await yazlZip([
      { path: 'package.json', content: '{"name":"app"}' },
      {
        path: 'config/app.json',
        content: '{"name":"app","port":8080,"owner":"team@example.com","stage":"prod"}',
      },
      { path: 'schemas/app.schema.json', content: appSchema },
    ]),
  );
  await h.store.put(
    'in/bad.zip',
    await yazlZip([
      { path: 'config/app.json', content: '{"port":"80","owner":"not-an-email","stage":"qa","extra":1}' },
      { path: 'config/broken.json', content: '{"name": ' },
      { path: 'schemas/app.schema.json', content: appSchema },
    ]),
  );
});

afterAll(async () => {
  await h.stop();
});

function event(objectKey: string, userParameters: unknown) {
  return h.store.job({ inputs: { SourceArtifact: objectKey }, outputArtifacts: [], userParameters }).event;
}

describe('Function: handler (artifact-validate)', () => {
  it('succeeds for a valid artifact with fileCount and bytes', async () => {
    // Prepare
    const params = {
      required: ['package.json', 'config/', 'schemas'],
      schemas: { 'config/app.json': 'schemas/app.schema.json' },
      maxBytes: 10_000,
    };

    // Act
    const result = await h.invoke(handler, event('in/good.zip', params));

    // Assess
    expect(result.operation).toBe('PutJobSuccessResult');
    expect(result.body.outputVariables).toEqual({ fileCount: '3', bytes: expect.stringMatching(/^\d+$/) });
    expect(result.body.executionDetails.summary).toMatch(
      /^Artifact "SourceArtifact" is valid: 3 file\(s\), \d+ bytes, 3 required path\(s\), 1 schema check\(s\)$/,
    );
  });

  it('fails with JobFailed listing every violation', async () => {
    // Prepare
    const params = {
      artifact: 'SourceArtifact',
      required: ['package.json', 'config/app.json'],
      schemas: {
        'config/app.json': 'schemas/app.schema.json',
        'config/broken.json': 'schemas/app.schema.json',
        'config/app.json ': 'schemas/missing.schema.json',
      },
      maxBytes: 100,
    };

    // Act
    const result = await h.invoke(handler, event('in/bad.zip', params));

    // Assess
    expect(result.operation).toBe('PutJobFailureResult');
    expect(result.body.failureDetails.type).toBe('JobFailed');
    const lines = String(result.body.failureDetails.message).split('\n');
    expect(lines[0]).toBe('Artifact "SourceArtifact" failed validation with 10 violation(s):');
    expect(lines.slice(1)).toEqual([
      expect.stringMatching(/^- the artifact holds \d+ bytes uncompressed, more than maxBytes 100$/),
      '- required path "package.json" is missing',
      '- config/app.json /: must have required property \'name\' (schema "schemas/app.schema.json")',
      '- config/app.json /: must NOT have additional properties ("extra") (schema "schemas/app.schema.json")',
      '- config/app.json /port: must be integer (schema "schemas/app.schema.json")',
      '- config/app.json /owner: must match format "email" (schema "schemas/app.schema.json")',
      '- config/app.json /stage: must be equal to one of the allowed values: ["dev","prod"] (schema "schemas/app.schema.json")',
      expect.stringMatching(/^- file "config\/broken\.json" is not valid JSON: /),
      '- schema "schemas/missing.schema.json" is missing',
      '- file "config/app.json " is missing',
    ]);
  });

  it('fails with ConfigurationError naming an unknown UserParameters key', async () => {
    // Act
    const result = await h.invoke(handler, event('in/good.zip', { requird: ['x'] }));

    // Assess
    expect(result.operation).toBe('PutJobFailureResult');
    expect(result.body.failureDetails.type).toBe('ConfigurationError');
    expect(result.body.failureDetails.message).toContain('requird');
  });

  it('fails with JobFailed naming the entry of a zip-slip artifact', async () => {
    // Prepare
    await h.store.put('in/slip.zip', rawZip([{ name: '../../etc/cron.d/evil', data: Buffer.from('x') }]));

    // Act
    const result = await h.invoke(handler, event('in/slip.zip', { required: ['a'] }));

    // Assess
    expect(result.body.failureDetails).toMatchObject({
      type: 'JobFailed',
      message:
        'Artifact "SourceArtifact" entry "../../etc/cron.d/evil" rejected: path escapes the target directory (".." segment)',
    });
  });
});
