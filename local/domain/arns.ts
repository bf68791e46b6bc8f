import type { ActionTypeKey } from '../action-types/builtin.js';

/** Where ARNs are minted: the server's region and account. */
export interface ArnScope {
  readonly region: string;
  readonly accountId: string;
}

/** `arn:aws:codepipeline:<region>:<account>:<pipeline>` */
export function pipelineArn(s: ArnScope, name: string): string {
  return `arn:aws:codepipeline:${s.region}:${s.accountId}:${name}`;
}

/** `arn:aws:codepipeline:<region>:<account>:webhook:<name>` */
export function webhookArn(s: ArnScope, name: string): string {
  return `arn:aws:codepipeline:${s.region}:${s.accountId}:webhook:${name}`;
}

/** `arn:aws:codepipeline:<region>:<account>:actiontype:<Owner>/<Category>/<Provider>/<Version>` */
export function actionTypeArn(s: ArnScope, id: ActionTypeKey): string {
  return `arn:aws:codepipeline:${s.region}:${s.accountId}:actiontype:${id.owner}/${id.category}/${id.provider}/${id.version}`;
}

/** A taggable resource named by an ARN. */
export type ArnResource =
  | { kind: 'pipeline'; name: string }
  | { kind: 'webhook'; name: string }
  | { kind: 'actiontype'; id: ActionTypeKey };

const ARN = /^arn:(aws(?:-[\w]+)*):codepipeline:([^:]+):(\d{12}):(.+)$/;
const NAME = /^[A-Za-z0-9.@\-_]{1,100}$/;

/**
 * Parses a CodePipeline resource ARN. Returns undefined when it is not a well-formed pipeline,
 * webhook or action type ARN; `foreign` is true when it names another partition, region or account.
 * @example
 * parseResourceArn('arn:aws:codepipeline:us-east-1:000000000000:webhook:w1'); // { resource: { kind: 'webhook', name: 'w1' }, ... }
 */
export function parseResourceArn(
  arn: string,
  scope: ArnScope,
): { resource: ArnResource; foreign: boolean } | undefined {
  const m = ARN.exec(arn);
  if (!m) return undefined;
  const [, partition, region, account, rest] = m;
  // the local server mints `arn:aws:` ARNs only; another partition names someone else's resource
  const foreign = partition !== 'aws' || region !== scope.region || account !== scope.accountId;
  if (rest.startsWith('webhook:')) {
    const name = rest.slice('webhook:'.length);
    return NAME.test(name) ? { resource: { kind: 'webhook', name }, foreign } : undefined;
  }
  if (rest.toLowerCase().startsWith('actiontype:')) {
    const parts = rest.slice('actiontype:'.length).split('/');
    if (parts.length !== 4 || parts.some((p) => !/^[0-9A-Za-z_-]+$/.test(p))) return undefined;
    const [owner, category, provider, version] = parts;
    return { resource: { kind: 'actiontype', id: { owner, category, provider, version } }, foreign };
  }
  return NAME.test(rest) ? { resource: { kind: 'pipeline', name: rest }, foreign } : undefined;
}
