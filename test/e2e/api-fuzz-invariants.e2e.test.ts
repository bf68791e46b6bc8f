import fc from 'fast-check';
import { Agent } from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { COMMON_ERRORS, setUndeclaredErrorReporter } from '../../local/protocol/errors.js';
import { declaredErrors } from '../../local/protocol/service-model.js';
import { startTestServer, type TestLocalServer } from '../helpers/local-server.js';
import {
  REQUEST_MEMBER_NAMES,
  fuzzJsonValue,
  postJson11,
  type RawJsonAnswer,
} from '../helpers/raw-json-fuzz.js';
import { scenarioPipeline } from '../helpers/real-client-scenario.js';
import { ROLE_ARN, approval, validPipeline } from '../helpers/pipeline-fixtures.js';

/** The operations of the API issue: pipelines, action types, webhooks, tags. */
const OPS = [
  'CreatePipeline',
  'GetPipeline',
  'UpdatePipeline',
  'DeletePipeline',
  'ListPipelines',
  'ListActionTypes',
  'CreateCustomActionType',
  'DeleteCustomActionType',
  'GetActionType',
  'UpdateActionType',
  'ListRuleTypes',
  'PutWebhook',
  'ListWebhooks',
  'DeleteWebhook',
  'RegisterWebhookWithThirdParty',
  'DeregisterWebhookWithThirdParty',
  'TagResource',
  'UntagResource',
  'ListTagsForResource',
] as const;

const ARN = 'arn:aws:codepipeline:us-east-1:000000000000:';
const PIPELINES = ['fz-a', 'fz-b', 'fz-c'];
const TAGGED = [`${ARN}fz-a`, `${ARN}fz-b`, `${ARN}webhook:fz-hook-a`, `${ARN}actiontype:Custom/Test/FzA/1`];

const agent = new Agent({ keepAlive: true, maxSockets: 8 });
let local: TestLocalServer;

/** One raw JSON 1.1 call of `op` on the local server. */
function post(op: string, body: string): Promise<RawJsonAnswer> {
  return postJson11(local.endpoint, agent, `CodePipeline_20150709.${op}`, body);
}

async function call(op: string, input: unknown): Promise<Record<string, any>> {
  const answer = await post(op, JSON.stringify(input));
  expect(answer.status, `${op} seed: ${answer.body}`).toBe(200);
  return JSON.parse(answer.body) as Record<string, any>;
}

/** Everything the seeds hold, as the API shows it. */
async function snapshot(): Promise<string> {
  const reads: [string, unknown][] = [
    ...PIPELINES.map((name): [string, unknown] => ['GetPipeline', { name }]),
    ...PIPELINES.map((name): [string, unknown] => ['GetPipeline', { name, version: 1 }]),
    ['ListPipelines', {}],
    ...TAGGED.map((resourceArn): [string, unknown] => ['ListTagsForResource', { resourceArn }]),
    ['ListWebhooks', {}],
    ['ListActionTypes', { actionOwnerFilter: 'Custom' }],
  ];
  const answers = await Promise.all(reads.map(([op, input]) => post(op, JSON.stringify(input))));
  return JSON.stringify(answers);
}

const customType = (category: string, provider: string) => ({
  category,
  provider,
  version: '1',
  configurationProperties: [
    { name: 'Url', required: true, key: true, secret: false },
    { name: 'Token', required: false, key: false, secret: true },
  ],
  inputArtifactDetails: { minimumCount: 0, maximumCount: 1 },
  outputArtifactDetails: { minimumCount: 0, maximumCount: 1 },
  settings: { entityUrlTemplate: 'https://example.com/{Config:Url}' },
});

const hook = (name: string, pipeline: string, patch: object = {}) => ({
  name,
  targetPipeline: pipeline,
  targetAction: 'Source',
  filters: [{ jsonPath: '$.ref', matchEquals: 'refs/heads/main' }],
  authentication: 'GITHUB_HMAC',
  authenticationConfiguration: { SecretToken: 'fz-secret' },
  ...patch,
});

/** Valid requests of the mutated operations (built after seeding, from the stored state). */
let validBodies: Record<string, () => unknown>;

async function seed(): Promise<void> {
  await call('CreateCustomActionType', { ...customType('Test', 'FzA'), tags: [{ key: 'o', value: 'a' }] });
  await call('CreateCustomActionType', customType('Deploy', 'FzB'));
  const b = scenarioPipeline('v2', 'fz-b');
  b.stages![1].actions![0] = {
    ...b.stages![1].actions![0],
    actionTypeId: { category: 'Test', owner: 'Custom', provider: 'FzA', version: '1' },
    configuration: { Url: 'https://example.com/#{variables.env}', Token: 'sensitive' },
  };
  await call('CreatePipeline', { pipeline: validPipeline('fz-a'), tags: [{ key: 'team', value: 'a' }] });
  await call('CreatePipeline', { pipeline: b, tags: [{ key: 'team', value: 'b' }] });
  await call('CreatePipeline', { pipeline: validPipeline('fz-c') });
  const c = (await call('GetPipeline', { name: 'fz-c' })).pipeline as Record<string, any>;
  await call('UpdatePipeline', {
    pipeline: { ...c, stages: [...c.stages, { name: 'Gate', actions: [approval('A', 60)] }] },
  });
  await call('PutWebhook', { webhook: hook('fz-hook-a', 'fz-a'), tags: [{ key: 'w', value: 'a' }] });
  await call('PutWebhook', {
    webhook: hook('fz-hook-b', 'fz-b', {
      authentication: 'IP',
      authenticationConfiguration: { AllowedIPRange: '10.0.0.0/8' },
    }),
  });
  const storedB = (await call('GetPipeline', { name: 'fz-b' })).pipeline as unknown;
  validBodies = {
    CreatePipeline: () => ({
      pipeline: { ...validPipeline('fz-new'), roleArn: ROLE_ARN },
      tags: [{ key: 'k', value: 'v' }],
    }),
    UpdatePipeline: () => ({ pipeline: structuredClone(storedB) }),
    TagResource: () => ({ resourceArn: `${ARN}fz-a`, tags: [{ key: 'fz', value: '1' }] }),
    PutWebhook: () => ({ webhook: hook('fz-hook-a', 'fz-a'), tags: [{ key: 'w', value: 'b' }] }),
    CreateCustomActionType: () => customType('Build', 'FzNew'),
    UntagResource: () => ({ resourceArn: `${ARN}fz-b`, tagKeys: ['team'] }),
    GetPipeline: () => ({ name: 'fz-c', version: 2 }),
    ListPipelines: () => ({ maxResults: 2 }),
    ListTagsForResource: () => ({ resourceArn: `${ARN}fz-a`, maxResults: 1 }),
    ListActionTypes: () => ({ actionOwnerFilter: 'Custom', regionFilter: 'us-east-1' }),
    GetActionType: () => ({ category: 'Source', owner: 'ThirdParty', provider: 'GitHub', version: '1' }),
  };
}

// ---- mutations of valid bodies --------------------------------------------------------------------

type Path = (string | number)[];

/** Every path to a member or array element of `value` (the root excluded). */
function pathsOf(value: unknown, prefix: Path = []): Path[] {
  if (Array.isArray(value)) return value.flatMap((v, i) => [[...prefix, i], ...pathsOf(v, [...prefix, i])]);
  if (value && typeof value === 'object')
    return Object.entries(value).flatMap(([k, v]) => [[...prefix, k], ...pathsOf(v, [...prefix, k])]);
  return [];
}

function parentOf(root: any, path: Path): [any, string | number] {
  let node = root;
  for (const key of path.slice(0, -1)) node = node[key];
  return [node, path[path.length - 1]];
}

const DUP = '\u0001dup';
const wrongTypes = [0, -1, 1.5, true, false, null, 'x', '', [], {}, [1, 'a'], { a: 1 }];
const strings = [0, 1, 99, 100, 101, 128, 129, 256, 257, 1000, 1001, 2048, 2049].map((n) => 'a'.repeat(n));
const oddStrings = [
  'bad name',
  'é',
  '💥',
  'aws:x',
  '#{variables.none}',
  '../x',
  '\u0000',
  'arn:aws:codepipeline:x',
];
const numbers = [0, -1, 1, 5, 50, 51, 999, 1000, 1001, 86_400, 86_401, 2 ** 31, 2 ** 53, 1e308, -0.5];

const mutation = fc.oneof(
  fc.constant({ kind: 'drop' as const }),
  fc.record({
    kind: fc.constant('duplicate' as const),
    value: fc.constantFrom(...wrongTypes, ...oddStrings),
  }),
  fc.record({ kind: fc.constant('rename' as const), to: fc.constantFrom('x', '', 'Name', 'NAME', 'name ') }),
  fc.record({ kind: fc.constant('replace' as const), value: fc.constantFrom(...wrongTypes) }),
  fc.record({ kind: fc.constant('replace' as const), value: fc.constantFrom(...strings, ...oddStrings) }),
  fc.record({ kind: fc.constant('replace' as const), value: fc.constantFrom(...numbers) }),
  fc.record({
    kind: fc.constant('structure' as const),
    how: fc.constantFrom('repeat', 'reverse', 'empty', 'sixty'),
  }),
);
type Mutation = typeof mutation extends fc.Arbitrary<infer M> ? M : never;

/** The JSON text of `body` with one mutation at the `pick`-th path (or at the root when it has none). */
function mutate(body: unknown, pick: number, m: Mutation): string {
  const root = { body: structuredClone(body) } as any;
  const paths = pathsOf(root.body).map((p) => ['body', ...p]);
  const path = paths.length ? paths[pick % paths.length] : ['body'];
  const [parent, key] = parentOf(root, path);
  const isArray = Array.isArray(parent);
  switch (m.kind) {
    case 'drop':
      if (isArray) parent.splice(key as number, 1);
      else delete parent[key];
      break;
    case 'duplicate':
      // same member twice in one JSON object (arrays: the element twice)
      if (isArray) parent.splice(key as number, 0, structuredClone(parent[key as number]));
      else if (parent && typeof parent === 'object')
        (parent as Record<string, unknown>)[`${DUP}${String(key)}`] = m.value;
      break;
    case 'rename':
      if (!isArray && parent && typeof parent === 'object') {
        parent[`${String(key)}${m.to}`] = parent[key];
        delete parent[key];
      }
      break;
    case 'replace':
      parent[key] = m.value;
      break;
    case 'structure': {
      const target = parent[key];
      const list = Array.isArray(target) ? target : [target];
      parent[key] =
        m.how === 'repeat'
          ? [...list, ...structuredClone(list)]
          : m.how === 'reverse'
            ? [...list].reverse()
            : m.how === 'empty'
              ? []
              : Array.from({ length: 60 }, () => structuredClone(list[0]));
      break;
    }
  }
  return JSON.stringify(root.body).replaceAll(/"\\u0001dup([^"]*)"/g, '"$1"');
}

// ---- random bodies --------------------------------------------------------------------------------

const memberNames = fc.constantFrom(
  ...REQUEST_MEMBER_NAMES,
  'tagKeys',
  'key',
  'value',
  'webhook',
  'webhookName',
  'targetPipeline',
  'filters',
  'configuration',
  'actionOwnerFilter',
  'MaxResults',
  'NextToken',
);
const jsonValue = fuzzJsonValue(memberNames, [
  fc.constantFrom('fz-a', 'fz-b', 'fz-hook-a', `${ARN}fz-a`, 'Custom', 'AWS', 'Source', '1'),
  fc.string({ maxLength: 20 }),
  fc.integer(),
  fc.boolean(),
  fc.constant(null),
]);

// ---- the properties -------------------------------------------------------------------------------

describe('Property: the API operations keep stored data through invalid requests', () => {
  const undeclared: string[] = [];
  let restoreReporter: ReturnType<typeof setUndeclaredErrorReporter>;
  let baseline: string;
  const outcomes = new Map<string, number>();

  beforeAll(async () => {
    local = await startTestServer();
    restoreReporter = setUndeclaredErrorReporter((op, type) => undeclared.push(`${op}:${type}`));
    await seed();
    baseline = await snapshot();
  });
  afterAll(async () => {
    setUndeclaredErrorReporter(restoreReporter);
    agent.destroy();
    await local.stop();
  });

  /** 2xx: the new state is the baseline; 4xx: a declared or common error, and nothing changed. */
  async function check(op: string, body: string): Promise<void> {
    const answer = await post(op, body);
    expect(answer.status, `${op} ${body.slice(0, 300)} -> ${answer.body}`).toBeLessThan(500);
    if (answer.status < 300) {
      outcomes.set('2xx', (outcomes.get('2xx') ?? 0) + 1);
      baseline = await snapshot();
      return;
    }
    const error = JSON.parse(answer.body) as { __type: string; message: string };
    expect([...declaredErrors(op), ...COMMON_ERRORS], `${op} ${body.slice(0, 300)}`).toContain(error.__type);
    expect(typeof error.message).toBe('string');
    outcomes.set(error.__type, (outcomes.get(error.__type) ?? 0) + 1);
    expect(await snapshot(), `stored data changed after ${op} ${body.slice(0, 300)} -> ${answer.body}`).toBe(
      baseline,
    );
  }

  it('answers random bodies of every operation', async () => {
    await fc.assert(
      fc.asyncProperty(fc.constantFrom(...OPS), jsonValue, async (op, body) => {
        await check(op, JSON.stringify(body));
      }),
      { numRuns: 150 },
    );
  });

  it('answers mutated valid bodies (dropped, duplicated, renamed, retyped, boundary, restructured)', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.constantFrom(...Object.keys(validBodies)),
        fc.nat(),
        mutation,
        async (op, pick, m) => {
          await check(op, mutate(validBodies[op](), pick, m));
        },
      ),
      { numRuns: 300 },
    );
    // the protocol and the model's validation were reached, and the operations' own rules too
    expect([...outcomes.keys()]).toEqual(
      expect.arrayContaining(['ValidationException', 'SerializationException']),
    );
    expect(
      [...outcomes.keys()].filter((t) => !COMMON_ERRORS.includes(t) && t !== '2xx').length,
    ).toBeGreaterThan(2);
    expect(undeclared).toEqual([]);
  });
});
