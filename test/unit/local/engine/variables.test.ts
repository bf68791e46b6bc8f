import { describe, expect, it } from 'vitest';
import { resolveConfiguration } from '../../../../local/engine/variables.js';

const scope = {
  pipelineExecutionId: 'exec-1',
  pipelineVariables: { env: 'prod', empty: '' },
  namespaces: { Build: { BuildId: '42', Tag: 'v1' } },
};

describe('Function: resolveConfiguration', () => {
  it('replaces namespace, pipeline and execution-id references, several per value', () => {
    const r = resolveConfiguration(
      {
        A: '#{Build.BuildId}-#{Build.Tag}',
        B: '#{variables.env}#{variables.empty}',
        C: 'id=#{codepipeline.PipelineExecutionId}',
        D: 'plain',
      },
      scope,
    );
    expect(r).toEqual({ ok: true, configuration: { A: '42-v1', B: 'prod', C: 'id=exec-1', D: 'plain' } });
  });

  it.each([
    ['#{Deploy.Url}', 'no action that succeeded earlier in this execution publishes the namespace "Deploy"'],
    ['#{Build.Nope}', 'namespace "Build" has no variable "Nope" (it has: BuildId, Tag)'],
    ['#{variables.region}', 'the pipeline declares no variable "region" (declared: env, empty)'],
    ['#{codepipeline.Other}', 'the codepipeline namespace has only PipelineExecutionId'],
    ['#{NoDot}', 'must have the form #{Namespace.VariableName}'],
  ])('fails %s with a message that names the reference and the key', (value, reason) => {
    const r = resolveConfiguration({ UserParameters: value }, scope);
    expect(r.ok).toBe(false);
    if (!r.ok) {
      expect(r.message).toContain(`Unable to resolve ${value} in configuration "UserParameters"`);
      expect(r.message).toContain(reason);
    }
  });

  it('keeps values without references and an absent configuration as is', () => {
    expect(resolveConfiguration(undefined, scope)).toEqual({ ok: true, configuration: {} });
    expect(resolveConfiguration({ A: '#{ not closed' }, scope)).toEqual({
      ok: true,
      configuration: { A: '#{ not closed' },
    });
  });
});
