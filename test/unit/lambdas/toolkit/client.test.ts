import { PutJobSuccessResultCommand } from '@aws-sdk/client-codepipeline';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { createCodePipelineClient, getCodePipelineClient } from '../../../../lambdas/toolkit/index.js';
import { startJsonRecorder, type JsonRecorder } from '../../../helpers/json-recorder.js';

let general: JsonRecorder;
let specific: JsonRecorder;
const saved = { ...process.env };
beforeAll(async () => {
  [general, specific] = await Promise.all([startJsonRecorder(), startJsonRecorder()]);
});
afterAll(() => Promise.all([general.close(), specific.close()]));
afterEach(() => {
  process.env = { ...saved };
});

describe('Function: createCodePipelineClient', () => {
  it('honours AWS_ENDPOINT_URL and AWS_REGION', async () => {
    // Prepare
    process.env.AWS_ENDPOINT_URL = general.url;
    process.env.AWS_REGION = 'eu-west-1';
    delete process.env.AWS_ENDPOINT_URL_CODEPIPELINE;

    // Act
    await createCodePipelineClient().send(new PutJobSuccessResultCommand({ jobId: 'j-1' }));

    // Assess
    expect(general.byOperation('PutJobSuccessResult')).toHaveLength(1);
    expect(general.requests[0].headers.authorization).toMatch(/\/eu-west-1\/codepipeline\/aws4_request/);
  });

  it('prefers AWS_ENDPOINT_URL_CODEPIPELINE over AWS_ENDPOINT_URL', async () => {
    process.env.AWS_ENDPOINT_URL = general.url;
    process.env.AWS_ENDPOINT_URL_CODEPIPELINE = specific.url;
    const before = general.requests.length;
    await createCodePipelineClient().send(new PutJobSuccessResultCommand({ jobId: 'j-2' }));
    expect(specific.requests.map((r) => r.body.jobId)).toEqual(['j-2']);
    expect(general.requests).toHaveLength(before);
  });
});

describe('Function: getCodePipelineClient', () => {
  it('returns one client per container', () => {
    expect(getCodePipelineClient()).toBe(getCodePipelineClient());
  });
});
