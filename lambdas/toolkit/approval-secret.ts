import { readFile } from 'node:fs/promises';
import { MIN_SIGNING_SECRET_BYTES } from './approval-links.js';
import { awsJsonRequest } from './aws-json-request.js';
import { CodePipelineKitError } from './errors.js';

/**
 * Where the approval-link signing secret comes from, first match wins:
 * 1. `APPROVAL_SECRET_ARN`: an AWS Secrets Manager secret (its `SecretString`), read with the function's role;
 * 2. `APPROVAL_SECRET`: the secret itself (local development and tests);
 * 3. `APPROVAL_SECRET_FILE`: a file holding the secret (surrounding whitespace trimmed).
 * The value is cached per container (module scope), so warm invocations never call Secrets Manager again.
 */
export const APPROVAL_SECRET_ENV = {
  arn: 'APPROVAL_SECRET_ARN',
  value: 'APPROVAL_SECRET',
  file: 'APPROVAL_SECRET_FILE',
} as const;

/** The signing secret could not be loaded; the message says from where, never the value. */
export class ApprovalSecretError extends CodePipelineKitError {
  constructor(message: string, options: { cause?: unknown } = {}) {
    super(message, { cause: options.cause, failureType: 'ConfigurationError' });
    this.name = 'ApprovalSecretError';
  }
}

let cached: { key: string; value: Promise<string> } | undefined;

/**
 * The `SecretString` of a Secrets Manager secret (signed GetSecretValue with the function's credentials; the
 * region is the one in the ARN). Never logs or echoes the value.
 * @internal
 */
export async function getSecretString(arn: string, env: NodeJS.ProcessEnv = process.env): Promise<string> {
  const region = /^arn:[^:]+:secretsmanager:([^:]+):/.exec(arn)?.[1];
  const out = await awsJsonRequest<{ SecretString?: string }>({
    signingName: 'secretsmanager',
    endpointEnvSuffix: 'SECRETS_MANAGER',
    target: 'secretsmanager.GetSecretValue',
    body: { SecretId: arn },
    region,
    env,
  });
  if (typeof out.SecretString !== 'string') {
    throw new Error(`Secret ${arn} has no SecretString (binary secrets are not supported)`);
  }
  return out.SecretString;
}

function checked(value: string, source: string): string {
  if (Buffer.byteLength(value, 'utf8') < MIN_SIGNING_SECRET_BYTES) {
    throw new ApprovalSecretError(
      `Approval signing secret from ${source} is shorter than ${MIN_SIGNING_SECRET_BYTES} bytes`,
    );
  }
  return value;
}

async function load(env: NodeJS.ProcessEnv): Promise<string> {
  const arn = env[APPROVAL_SECRET_ENV.arn];
  if (arn) {
    let value: string;
    try {
      value = await getSecretString(arn, env);
    } catch (err) {
      throw new ApprovalSecretError(
        `Cannot read the approval signing secret ${arn}: ${(err as Error).message}`,
        {
          cause: err,
        },
      );
    }
    return checked(value, `Secrets Manager secret ${arn}`);
  }
  const value = env[APPROVAL_SECRET_ENV.value];
  if (value) return checked(value, `$${APPROVAL_SECRET_ENV.value}`);
  const file = env[APPROVAL_SECRET_ENV.file];
  if (file) {
    let text: string;
    try {
      text = await readFile(file, 'utf8');
    } catch (err) {
      throw new ApprovalSecretError(
        `Cannot read the approval signing secret file ${file}: ${(err as Error).message}`,
        {
          cause: err,
        },
      );
    }
    return checked(text.trim(), `file ${file}`);
  }
  throw new ApprovalSecretError(
    `No approval signing secret configured: set ${APPROVAL_SECRET_ENV.arn} (AWS), ${APPROVAL_SECRET_ENV.value} or ${APPROVAL_SECRET_ENV.file}`,
  );
}

/**
 * The approval-link signing secret, loaded once per container from Secrets Manager, the environment or a file
 * (see {@link APPROVAL_SECRET_ENV}). A failed load is not cached, so the next invocation tries again.
 * @throws ApprovalSecretError when nothing is configured, the read fails or the secret is too short.
 *
 * @example
 * const secret = await loadApprovalSigningSecret();
 * const links = createApprovalLinks(message, { secret, callbackUrl: process.env.CALLBACK_URL! });
 */
export async function loadApprovalSigningSecret(env: NodeJS.ProcessEnv = process.env): Promise<string> {
  const key = [APPROVAL_SECRET_ENV.arn, APPROVAL_SECRET_ENV.value, APPROVAL_SECRET_ENV.file]
    .map((k) => env[k] ?? '')
    .join('\0');
  if (cached?.key !== key) {
    const value = load(env);
    cached = { key, value };
    value.catch(() => {
      if (cached?.value === value) cached = undefined;
    });
  }
  return cached.value;
}
