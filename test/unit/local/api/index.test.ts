import { describe, expect, it } from 'vitest';
import {
  implementedOperations,
  invokeOperation,
  operationTable,
  pendingOperations,
} from '../../../../local/api/index.js';
import type { ApiContext } from '../../../../local/api/operation.js';
import { operationNames } from '../../../../local/protocol/service-model.js';

describe('Function: operationTable', () => {
  it('covers all 44 operations of the service model, each implemented or pending', () => {
    // Act
    const table = operationTable();
    const implemented = Object.keys(implementedOperations);
    const pending = pendingOperations();

    // Assess
    expect(operationNames()).toHaveLength(44);
    expect(Object.keys(table).sort()).toEqual(operationNames());
    expect([...implemented, ...pending].sort()).toEqual(operationNames());
    expect(implemented.filter((name) => pending.includes(name))).toEqual([]);
  });

  it('has only keys that are operation names of the model', () => {
    // Assess
    expect(Object.keys(implementedOperations).filter((name) => !operationNames().includes(name))).toEqual([]);
  });

  it('answers a pending operation with ValidationException naming it', async () => {
    // Prepare
    const pending = pendingOperations();
    if (pending.length === 0) return; // everything is implemented: nothing left to check
    const name = pending[0];

    // Act
    const result = invokeOperation(operationTable(), name, {}, {} as ApiContext);

    // Assess
    await expect(result).rejects.toMatchObject({
      type: 'ValidationException',
      message: `${name} is not implemented by codepipeline-kit local yet`,
    });
  });
});
