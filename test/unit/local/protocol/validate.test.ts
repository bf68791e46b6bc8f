import { describe, expect, it } from 'vitest';
import { ServiceError } from '../../../../local/errors.js';
import { validateInput } from '../../../../local/protocol/validate.js';

function failure(shape: string, body: unknown): ServiceError {
  try {
    validateInput(shape, body);
  } catch (err) {
    if (err instanceof ServiceError) return err;
    throw err;
  }
  throw new Error('expected a validation failure');
}

const action = (name: string) => ({
  name,
  actionTypeId: { category: 'Source', owner: 'AWS', provider: 'S3', version: '1' },
  outputArtifacts: [{ name: `${name}-out` }],
});
const pipeline = {
  name: 'demo',
  roleArn: 'arn:aws:iam::123456789012:role/pipeline',
  artifactStore: { type: 'S3', location: 'bucket' },
  stages: [
    { name: 'Source', actions: [action('Source')] },
    { name: 'Build', actions: [action('Build')] },
  ],
};

describe('Function: validateInput', () => {
  it('ignores members named after Object.prototype properties and keeps a __proto__ map key as data', () => {
    // Found by the protocol fuzz: {"valueOf": []} used to reach Object.prototype.valueOf and answer 500.
    for (const name of ['valueOf', 'toString', 'constructor', 'hasOwnProperty']) {
      expect(validateInput('GetPipelineInput', JSON.parse(`{"name": "demo", "${name}": []}`))).toEqual({
        name: 'demo',
      });
    }
    const input = validateInput(
      'PutJobSuccessResultInput',
      JSON.parse('{"jobId": "0b6f3c2e-1111-2222-3333-444455556666", "outputVariables": {"__proto__": "v"}}'),
    ) as { outputVariables: Record<string, string> };
    expect(JSON.stringify(input.outputVariables)).toBe('{"__proto__":"v"}');
  });

  it('accepts a valid input and drops JSON nulls and unknown members', () => {
    // Act
    const input = validateInput('GetPipelineInput', { name: 'demo', version: null, extra: 1 });

    // Assess
    expect(input).toEqual({ name: 'demo' });
  });

  it('reports a missing required member as Value null', () => {
    // Act
    const err = failure('GetPipelineInput', {});

    // Assess
    expect(err.type).toBe('ValidationException');
    expect(err.message).toBe(
      "1 validation error detected: Value null at 'name' failed to satisfy constraint: Member must not be null",
    );
  });

  it('reports nested list paths 1-based with .member. in model member order, every failed constraint', () => {
    // Prepare
    const bad = structuredClone(pipeline);
    bad.stages[0].name = 'bad name!';
    (bad.stages[1].actions[0] as { actionTypeId: unknown }).actionTypeId = undefined;
    bad.stages[1].actions[0].name = '';

    // Act
    const err = failure('CreatePipelineInput', { pipeline: bad });

    // Assess
    expect(err.message).toBe(
      '4 validation errors detected: ' +
        "Value at 'pipeline.stages.1.member.name' failed to satisfy constraint: Member must satisfy regular expression pattern: [A-Za-z0-9.@\\-_]+; " +
        "Value at 'pipeline.stages.2.member.actions.1.member.name' failed to satisfy constraint: Member must satisfy regular expression pattern: [A-Za-z0-9.@\\-_]+; " +
        "Value at 'pipeline.stages.2.member.actions.1.member.name' failed to satisfy constraint: Member must have length greater than or equal to 1; " +
        "Value null at 'pipeline.stages.2.member.actions.1.member.actionTypeId' failed to satisfy constraint: Member must not be null",
    );
  });

  it('reports an enum violation with the enum value set', () => {
    // Prepare
    const bad = structuredClone(pipeline);
    bad.stages[0].actions[0].actionTypeId.category = 'Sauce';

    // Act
    const err = failure('CreatePipelineInput', { pipeline: bad });

    // Assess
    expect(err.message).toBe(
      "1 validation error detected: Value at 'pipeline.stages.1.member.actions.1.member.actionTypeId.category' failed to satisfy constraint: " +
        'Member must satisfy enum value set: [Source, Build, Deploy, Test, Invoke, Approval, Compute]',
    );
  });

  it('reports a pattern and a length violation of one member, pattern first', () => {
    // Act
    const err = failure('GetPipelineInput', { name: '!'.repeat(101) });

    // Assess
    expect(err.message).toBe(
      '2 validation errors detected: ' +
        "Value at 'name' failed to satisfy constraint: Member must satisfy regular expression pattern: [A-Za-z0-9.@\\-_]+; " +
        "Value at 'name' failed to satisfy constraint: Member must have length less than or equal to 100",
    );
  });

  it('reports ranges of integers', () => {
    // Act
    const low = failure('ListPipelinesInput', { maxResults: 0 });
    const high = failure('ListPipelinesInput', { maxResults: 1001 });

    // Assess
    expect(low.message).toContain(
      "Value at 'maxResults' failed to satisfy constraint: Member must have value greater than or equal to 1",
    );
    expect(high.message).toContain('Member must have value less than or equal to 1000');
  });

  it('reports map values once for the whole map, listing every constraint of the value shape', () => {
    // Prepare
    const bad = structuredClone(pipeline) as typeof pipeline & {
      stages: { actions: { configuration?: unknown }[] }[];
    };
    bad.stages[0].actions[0].configuration = { S3Bucket: 'x'.repeat(1001), S3ObjectKey: '' };

    // Act
    const err = failure('CreatePipelineInput', { pipeline: bad });

    // Assess
    expect(err.message).toBe(
      "1 validation error detected: Value at 'pipeline.stages.1.member.actions.1.member.configuration' failed to satisfy constraint: " +
        'Map value must satisfy constraint: [Member must have length less than or equal to 1000, Member must have length greater than or equal to 1]',
    );
  });

  it('reports map keys before map values', () => {
    // Prepare
    const bad = structuredClone(pipeline) as typeof pipeline & {
      stages: { actions: { configuration?: unknown }[] }[];
    };
    bad.stages[0].actions[0].configuration = { ['k'.repeat(51)]: '' };

    // Act
    const err = failure('CreatePipelineInput', { pipeline: bad });

    // Assess
    expect(err.message).toMatch(
      /^2 validation errors detected: .*Map keys must satisfy constraint: \[Member must have length less than or equal to 50, Member must have length greater than or equal to 1\]; .*Map value must satisfy constraint/,
    );
  });

  it('reports list length constraints and scalar list members once', () => {
    // Act
    const tooMany = failure('CreateCustomActionTypeInput', {
      category: 'Build',
      provider: 'My-Tool',
      version: '1',
      inputArtifactDetails: { minimumCount: 0, maximumCount: 1 },
      outputArtifactDetails: { minimumCount: 0, maximumCount: 1 },
      configurationProperties: Array.from({ length: 11 }, (_, i) => ({
        name: `p${i}`,
        required: false,
        key: false,
        secret: false,
      })),
    });
    const badMember = failure('UntagResourceInput', {
      resourceArn: 'arn:aws:codepipeline:us-east-1:123456789012:demo',
      tagKeys: ['ok', ''],
    });

    // Assess
    expect(tooMany.message).toBe(
      "1 validation error detected: Value at 'configurationProperties' failed to satisfy constraint: Member must have length less than or equal to 10",
    );
    expect(badMember.message).toBe(
      "1 validation error detected: Value at 'tagKeys' failed to satisfy constraint: Member must satisfy constraint: " +
        '[Member must have length less than or equal to 128, Member must have length greater than or equal to 1]',
    );
  });

  it('echoes values in the older Coral style when asked', () => {
    // Act
    let message = '';
    try {
      validateInput('GetPipelineInput', { name: 'a b' }, { echoValues: true });
    } catch (err) {
      message = (err as Error).message;
    }

    // Assess
    expect(message).toBe(
      "1 validation error detected: Value 'a b' at 'name' failed to satisfy constraint: Member must satisfy regular expression pattern: [A-Za-z0-9.@\\-_]+",
    );
  });

  it.each([
    [
      { name: 5 },
      'class com.amazon.coral.value.json.numbers.TruncatingBigNumber can not be converted to an String',
    ],
    [{ name: true }, 'class java.lang.Boolean can not be converted to an String'],
    [{ name: {} }, 'Start of structure or map found where not expected.'],
    [{ name: [] }, 'Start of list found where not expected'],
    [{ name: 'demo', version: '1' }, 'class java.lang.String can not be converted to an Integer'],
    [[], 'Start of list found where not expected'],
    ['text', 'Expected null or structure'],
  ])('answers a type mismatch %j with SerializationException', (body, message) => {
    // Act
    const err = failure('GetPipelineInput', body);

    // Assess
    expect(err.type).toBe('SerializationException');
    expect(err.message).toBe(message);
  });

  it('checks types before constraints (a type error wins over a missing member)', () => {
    // Act
    const err = failure('CreatePipelineInput', { pipeline: { stages: 'x' } });

    // Assess
    expect(err.type).toBe('SerializationException');
    expect(err.message).toBe('Expected list or null');
  });

  it('turns timestamps (epoch seconds) into Dates and truncates integers', () => {
    // Act
    const input = validateInput('ListPipelinesInput', { maxResults: 2.9 }) as { maxResults: number };
    const withTime = validateInput('PipelineExecutionFilter', { succeededInStage: { stageName: 'Build' } });

    // Assess
    expect(input.maxResults).toBe(2);
    expect(withTime).toEqual({ succeededInStage: { stageName: 'Build' } });
  });
});
