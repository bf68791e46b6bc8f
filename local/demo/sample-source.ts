import { ZipFile } from 'yazl';

/** The files of the demo's source zip: configuration, its schema, and templates (no secrets in it). */
export const SAMPLE_SOURCE_FILES: Readonly<Record<string, string>> = {
  'README.md': '# sample service\n\nThe source the codepipeline-kit demo releases.\n',
  'config/app.json':
    JSON.stringify({ service: 'sample', replicas: 2, healthPath: '/health' }, null, 2) + '\n',
  'schemas/app.schema.json':
    JSON.stringify(
      {
        $schema: 'http://json-schema.org/draft-07/schema#',
        type: 'object',
        required: ['service', 'replicas', 'healthPath'],
        additionalProperties: false,
        properties: {
          service: { type: 'string', minLength: 1 },
          replicas: { type: 'integer', minimum: 1, maximum: 10 },
          healthPath: { type: 'string', pattern: '^/' },
        },
      },
      null,
      2,
    ) + '\n',
  'templates/deploy.json.tmpl':
    '{\n  "service": "sample",\n  "sourceVersion": "${SOURCE_VERSION}",\n  "files": "${FILE_COUNT}",\n  "kind": "${RELEASE_KIND}"\n}\n',
};

/**
 * Zips the sample source (deterministic: fixed dates and order).
 *
 * @example
 * const zip = await sampleSourceZip();
 */
export function sampleSourceZip(
  files: Readonly<Record<string, string>> = SAMPLE_SOURCE_FILES,
): Promise<Buffer> {
  const zip = new ZipFile();
  const mtime = new Date('2026-01-01T00:00:00Z');
  for (const path of Object.keys(files).sort()) zip.addBuffer(Buffer.from(files[path]), path, { mtime });
  zip.end();
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    zip.outputStream.on('data', (c: Buffer) => chunks.push(c));
    zip.outputStream.on('end', () => resolve(Buffer.concat(chunks)));
    zip.outputStream.on('error', reject);
  });
}
