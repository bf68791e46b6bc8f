import type { PutApprovalResultInput, PutApprovalResultOutput } from '@aws-sdk/client-codepipeline';
import { engineOf } from './executions.js';
import type { ApiContext, OperationTable } from './operation.js';

/**
 * PutApprovalResult: approves or rejects the manual approval whose current token is `token` (rules in
 * local/engine/action-runners/manual-approval.ts). Input shapes, the summary limit (512) and the token pattern
 * are validated from the service model before this runs.
 *
 * @example
 * await client.send(new PutApprovalResultCommand({ pipelineName, stageName, actionName, token, result: { status: 'Approved', summary: 'ok' } }));
 */
export function putApprovalResult(input: PutApprovalResultInput, ctx: ApiContext): PutApprovalResultOutput {
  const { approvedAt } = engineOf(ctx).approvals.putApprovalResult({
    pipelineName: input.pipelineName!,
    stageName: input.stageName!,
    actionName: input.actionName!,
    token: input.token!,
    status: input.result!.status as 'Approved' | 'Rejected',
    summary: input.result!.summary ?? '',
  });
  return { approvedAt };
}

/** The approval operations. */
export const approvalOperations: OperationTable = {
  PutApprovalResult: (input, ctx) => putApprovalResult(input as PutApprovalResultInput, ctx),
};
