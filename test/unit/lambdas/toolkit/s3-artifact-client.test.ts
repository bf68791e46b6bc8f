import { afterEach, describe, expect, it } from 'vitest';
import { createArtifactS3Client } from '../../../../lambdas/toolkit/s3-artifact-client.js';

const credentials = { accessKeyId: 'ASIAJOB', secretAccessKey: 'job-secret', sessionToken: 'job-token' };
const saved = { ...process.env };

afterEach(() => {
  for (const key of ['AWS_ENDPOINT_URL', 'AWS_ENDPOINT_URL_S3', 'AWS_REGION']) {
    if (saved[key] === undefined) delete process.env[key];
    else process.env[key] = saved[key];
  }
});

describe('Function: createArtifactS3Client', () => {
  it('signs with the job credentials, not the function role', async () => {
    // Act
    const client = createArtifactS3Client({ artifactCredentials: credentials });

    // Assess
    expect(await client.config.credentials()).toMatchObject(credentials);
    client.destroy();
  });

  it.each([
    ['AWS_ENDPOINT_URL_S3', 'http://127.0.0.1:4567/'],
    ['AWS_ENDPOINT_URL', 'http://127.0.0.1:4568/'],
  ])('uses %s with path-style addressing and checksums only when required', async (name, url) => {
    // Prepare
    process.env[name] = url;

    // Act
    const client = createArtifactS3Client({ artifactCredentials: credentials }, { region: 'eu-west-1' });

    // Assess
    const endpoint = await client.config.endpoint!();
    expect(`${endpoint.protocol}//${endpoint.hostname}:${endpoint.port}/`).toBe(url);
    expect(client.config.forcePathStyle).toBe(true);
    expect(await client.config.requestChecksumCalculation()).toBe('WHEN_REQUIRED');
    expect(await client.config.responseChecksumValidation()).toBe('WHEN_REQUIRED');
    expect(await client.config.region()).toBe('eu-west-1');
    client.destroy();
  });

  it('keeps virtual-host addressing for AWS itself', () => {
    // Prepare
    delete process.env.AWS_ENDPOINT_URL;
    delete process.env.AWS_ENDPOINT_URL_S3;

    // Act
    const client = createArtifactS3Client({ artifactCredentials: credentials });

    // Assess
    expect(client.config.forcePathStyle).toBeFalsy();
    client.destroy();
  });

  it('says what is missing when the job has no artifact credentials', () => {
    expect(() => createArtifactS3Client({ artifactCredentials: undefined })).toThrow(
      'The job carries no artifactCredentials',
    );
  });
});
