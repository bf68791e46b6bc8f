import { describe, expect, it } from 'vitest';
import { createPipeline, deletePipeline, listPipelines } from '../../../../local/api/pipelines.js';
import { attachedWireJson, toWireJson, withWireJson } from '../../../../local/protocol/wire-body.js';
import { memoryApiContext } from '../../../helpers/api-context.js';
import { validPipeline } from '../../../helpers/pipeline-fixtures.js';

describe('Function: withWireJson', () => {
  it('attaches a body only the protocol sees, for its own output shape', () => {
    // Act
    const output = withWireJson({ pipelines: [] }, 'ListPipelinesOutput', '{"pipelines":[]}');

    // Assess
    expect(Object.keys(output)).toEqual(['pipelines']);
    expect(output).toStrictEqual({ pipelines: [] });
    expect(attachedWireJson(output, 'ListPipelinesOutput')).toBe('{"pipelines":[]}');
    expect(attachedWireJson(output, 'GetPipelineOutput')).toBeUndefined();
    expect(attachedWireJson({ pipelines: [] }, 'ListPipelinesOutput')).toBeUndefined();
  });
});

describe('Function: listPipelines (cached body)', () => {
  it('attaches exactly the serialization of the output it returns, before and after writes', async () => {
    // Prepare
    const ctx = memoryApiContext();
    await createPipeline({ pipeline: validPipeline('a') }, ctx);
    const bodies: string[] = [];
    const check = (input: { maxResults?: number; nextToken?: string }) => {
      const out = listPipelines(input, ctx);
      const body = attachedWireJson(out, 'ListPipelinesOutput')!;
      expect(body).toBe(toWireJson('ListPipelinesOutput', out));
      bodies.push(body);
      return out;
    };

    // Act
    check({});
    check({});
    await createPipeline({ pipeline: validPipeline('b') }, ctx);
    const first = check({ maxResults: 1 });
    check({ maxResults: 1, nextToken: first.nextToken });
    await deletePipeline({ name: 'a' }, ctx);
    check({});

    // Assess
    const names = bodies.map((b) =>
      (JSON.parse(b) as { pipelines: { name: string }[] }).pipelines.map((p) => p.name),
    );
    expect(names).toEqual([['a'], ['a'], ['a'], ['b'], ['b']]);
  });
});
