import type { PipelineDeclaration } from '@aws-sdk/client-codepipeline';
import { describe, expect, it } from 'vitest';
import { findBuiltinActionType } from '../../../../local/action-types/builtin.js';
import { validatePipelineStructure } from '../../../../local/domain/pipeline-structure.js';
import { ServiceError } from '../../../../local/errors.js';
import { approval, lambdaInvoke, s3Source, validPipeline } from '../../../helpers/pipeline-fixtures.js';

const ctx = { region: 'us-east-1', lookupActionType: findBuiltinActionType };

function errorOf(p: PipelineDeclaration): ServiceError | undefined {
  try {
    validatePipelineStructure(p, ctx);
    return undefined;
  } catch (e) {
    if (e instanceof ServiceError) return e;
    throw e;
  }
}

function expectError(p: PipelineDeclaration, type: string, message: RegExp): void {
  const e = errorOf(p);
  expect(e?.type).toBe(type);
  expect(e?.message).toMatch(message);
}

describe('Function: validatePipelineStructure', () => {
  it('accepts a valid two-stage pipeline', () => {
    expect(errorOf(validPipeline())).toBeUndefined();
  });

  it('requires at least two stages', () => {
    expectError(
      validPipeline('p', { stages: [{ name: 'Source', actions: [s3Source()] }] }),
      'InvalidStructureException',
      /Pipeline has only 1 stage\(s\)\. There should be a minimum of 2 stages in a pipeline/,
    );
  });

  it('allows at most 50 stages', () => {
    const stages = [
      { name: 'Source', actions: [s3Source()] },
      ...Array.from({ length: 50 }, (_, i) => ({ name: `S${i}`, actions: [approval()] })),
    ];
    expectError(validPipeline('p', { stages }), 'InvalidStructureException', /maximum of 50 stages/);
  });

  it('rejects duplicate stage names', () => {
    const p = validPipeline();
    p.stages!.push({ name: 'Run', actions: [approval()] });
    expectError(p, 'InvalidStructureException', /more than one stage with the name 'Run'/);
  });

  it('rejects a stage without actions and duplicate action names', () => {
    const empty = validPipeline();
    empty.stages![1].actions = [];
    expectError(empty, 'InvalidStageDeclarationException', /at least one action/);
    const dup = validPipeline();
    dup.stages![1].actions!.push(lambdaInvoke('Invoke'));
    expectError(dup, 'InvalidStageDeclarationException', /more than one action with the name 'Invoke'/);
  });

  it('rejects duplicate blocker names', () => {
    const p = validPipeline();
    p.stages![1].blockers = [
      { name: 'b', type: 'Schedule' },
      { name: 'b', type: 'Schedule' },
    ];
    expectError(p, 'InvalidBlockerDeclarationException', /blocker with the name 'b'/);
  });

  it('keeps Source actions in the first stage and only there', () => {
    const firstNotSource = validPipeline();
    firstNotSource.stages![0].actions!.push(approval());
    expectError(firstNotSource, 'InvalidStructureException', /can only contain Source actions/);
    const sourceLater = validPipeline();
    sourceLater.stages![1].actions!.push(s3Source('Late', 'LateOut'));
    expectError(sourceLater, 'InvalidStructureException', /only be in the first stage/);
  });

  it('rejects an unknown action type with the region in AWS form', () => {
    const p = validPipeline();
    p.stages![1].actions![0].actionTypeId!.provider = 'Nope';
    expectError(
      p,
      'InvalidActionDeclarationException',
      /ActionType \(Category: 'Invoke', Provider: 'Nope', Owner: 'AWS', Version: '1'\) in action 'Invoke' is not available in region 'US_EAST_1'/,
    );
  });

  it('checks artifact counts against the type bounds', () => {
    const p = validPipeline();
    p.stages![0].actions![0].outputArtifacts = [];
    expectError(
      p,
      'InvalidActionDeclarationException',
      /declares 0 output artifacts which is less than the minimum count \(1\)/,
    );
    const q = validPipeline();
    q.stages![1].actions = [{ ...approval(), inputArtifacts: [{ name: 'SourceOut' }] }];
    expectError(q, 'InvalidActionDeclarationException', /more than the maximum count \(0\)/);
  });

  it('requires required configuration and refuses unknown keys', () => {
    const missing = validPipeline();
    delete missing.stages![1].actions![0].configuration!.FunctionName;
    expectError(
      missing,
      'InvalidActionDeclarationException',
      /missing required configuration 'FunctionName'/,
    );
    const unknown = validPipeline();
    unknown.stages![1].actions![0].configuration!.Bogus = 'x';
    expectError(unknown, 'InvalidActionDeclarationException', /contains unknown configuration 'Bogus'/);
  });

  it('requires every input artifact to be produced earlier', () => {
    const p = validPipeline();
    p.stages![1].actions = [lambdaInvoke('A', ['Nowhere'])];
    expectError(p, 'InvalidStructureException', /Input artifact 'Nowhere' of action 'A'/);
    const sameRunOrder = validPipeline();
    sameRunOrder.stages![1].actions = [lambdaInvoke('A', ['SourceOut'], ['Mid']), lambdaInvoke('B', ['Mid'])];
    expectError(sameRunOrder, 'InvalidStructureException', /Input artifact 'Mid' of action 'B'/);
    const laterRunOrder = validPipeline();
    laterRunOrder.stages![1].actions = [
      lambdaInvoke('A', ['SourceOut'], ['Mid']),
      { ...lambdaInvoke('B', ['Mid']), runOrder: 2 },
    ];
    expect(errorOf(laterRunOrder)).toBeUndefined();
  });

  it('requires unique output artifact names', () => {
    const p = validPipeline();
    p.stages![1].actions = [lambdaInvoke('A', ['SourceOut'], ['SourceOut'])];
    expectError(p, 'InvalidStructureException', /Output artifact name 'SourceOut' is not unique/);
  });

  it('requires exactly one of artifactStore and artifactStores, with the pipeline region', () => {
    const none = validPipeline();
    delete none.artifactStore;
    expectError(none, 'InvalidStructureException', /either artifactStore or artifactStores/);
    const both = validPipeline('p', { artifactStores: { 'us-east-1': { type: 'S3', location: 'b' } } });
    expectError(both, 'InvalidStructureException', /both artifactStore and artifactStores/);
    const wrongRegion = validPipeline();
    delete wrongRegion.artifactStore;
    wrongRegion.artifactStores = { 'eu-west-1': { type: 'S3', location: 'b' } };
    expectError(wrongRegion, 'InvalidStructureException', /region 'us-east-1'/);
  });

  it('needs artifactStores for cross-region actions', () => {
    const p = validPipeline();
    p.stages![1].actions![0].region = 'eu-west-1';
    expectError(p, 'InvalidActionDeclarationException', /must use artifactStores/);
    delete p.artifactStore;
    p.artifactStores = {
      'us-east-1': { type: 'S3', location: 'a' },
      'eu-west-1': { type: 'S3', location: 'b' },
    };
    expect(errorOf(p)).toBeUndefined();
  });

  it('refuses V2-only features on V1 pipelines', () => {
    expectError(
      validPipeline('p', { executionMode: 'QUEUED' }),
      'InvalidStructureException',
      /only supported for pipelines of type V2/,
    );
    expectError(validPipeline('p', { variables: [{ name: 'v' }] }), 'InvalidStructureException', /variables/);
    expect(
      errorOf(
        validPipeline('p', { pipelineType: 'V2', executionMode: 'PARALLEL', variables: [{ name: 'v' }] }),
      ),
    ).toBeUndefined();
    const commands = validPipeline();
    commands.stages![1].actions = [
      {
        name: 'C',
        actionTypeId: { category: 'Compute', owner: 'AWS', provider: 'Commands', version: '1' },
        commands: ['ls'],
        inputArtifacts: [{ name: 'SourceOut' }],
      },
    ];
    expectError(commands, 'InvalidActionDeclarationException', /not available in pipelines of type V1/);
    commands.pipelineType = 'V2';
    expect(errorOf(commands)).toBeUndefined();
  });

  it('allows commands only on compute actions and requires them there', () => {
    const p = validPipeline('p', { pipelineType: 'V2' });
    p.stages![1].actions![0].commands = ['echo'];
    expectError(p, 'InvalidActionDeclarationException', /cannot contain a commands field: Invoke/);
    const q = validPipeline('p', { pipelineType: 'V2' });
    q.stages![1].actions = [
      {
        name: 'C',
        actionTypeId: { category: 'Compute', owner: 'AWS', provider: 'Commands', version: '1' },
        inputArtifacts: [{ name: 'SourceOut' }],
      },
    ];
    expectError(q, 'InvalidActionDeclarationException', /Action C must have a non-empty commands field/);
  });

  it('allows timeoutInMinutes only on manual approvals', () => {
    const p = validPipeline();
    p.stages![1].actions!.push(approval('Approve', 60));
    expect(errorOf(p)).toBeUndefined();
    p.stages![1].actions![0].timeoutInMinutes = 10;
    expectError(p, 'InvalidActionDeclarationException', /timeoutInMinutes/);
  });

  it('checks pipeline variables, namespaces and variable references', () => {
    const dup = validPipeline('p', { pipelineType: 'V2', variables: [{ name: 'v' }, { name: 'v' }] });
    expectError(dup, 'InvalidStructureException', /'v' is declared more than once/);
    const undeclared = validPipeline('p', { pipelineType: 'V2' });
    undeclared.stages![1].actions![0].configuration!.UserParameters = '#{variables.missing}';
    expectError(undeclared, 'InvalidActionDeclarationException', /pipeline variable 'missing'/);
    const ns = validPipeline();
    ns.stages![1].actions![0].configuration!.UserParameters = '#{SourceVariables.VersionId}';
    expectError(ns, 'InvalidActionDeclarationException', /namespace 'SourceVariables'/);
    ns.stages![0].actions![0].namespace = 'SourceVariables';
    expect(errorOf(ns)).toBeUndefined();
    const twice = validPipeline();
    twice.stages![0].actions![0].namespace = 'N';
    twice.stages![1].actions![0].namespace = 'N';
    expectError(twice, 'InvalidActionDeclarationException', /Namespace 'N'/);
  });

  it('requires triggers to name a CodeStarSourceConnection source action', () => {
    const p = validPipeline('p', {
      pipelineType: 'V2',
      triggers: [
        { providerType: 'CodeStarSourceConnection', gitConfiguration: { sourceActionName: 'Source' } },
      ],
    });
    expectError(p, 'InvalidStructureException', /requires an action of provider CodeStarSourceConnection/);
    p.stages![0].actions = [
      {
        name: 'Source',
        actionTypeId: {
          category: 'Source',
          owner: 'AWS',
          provider: 'CodeStarSourceConnection',
          version: '1',
        },
        configuration: {
          ConnectionArn: 'arn:aws:codeconnections:us-east-1:000000000000:connection/x',
          FullRepositoryId: 'o/r',
          BranchName: 'main',
        },
        outputArtifacts: [{ name: 'SourceOut' }],
      },
    ];
    expect(errorOf(p)).toBeUndefined();
    p.triggers![0].gitConfiguration!.sourceActionName = 'Other';
    expectError(p, 'InvalidStructureException', /'Other', which is not an action of the first stage/);
  });

  it('keeps stage conditions to V2 pipelines', () => {
    const p = validPipeline();
    p.stages![1].onFailure = { result: 'ROLLBACK' };
    expectError(p, 'InvalidStageDeclarationException', /only pipelines of type V2/);
  });
});
