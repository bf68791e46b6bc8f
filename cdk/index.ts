export { JobHandlerFunction, type JobHandlerFunctionProps } from './constructs/job-handler-function.js';
export { HandlersStack, type HandlersStackProps } from './stacks/handlers-stack.js';
export {
  CustomActionType,
  type CustomActionTypeProps,
  type CustomActionTypeProperty,
  type CustomActionPropertyType,
} from './constructs/custom-action-type.js';
export { CustomAction, type CustomActionProps } from './constructs/custom-action.js';
export { ApprovalGate, type ApprovalGateProps, type ApprovalGatePolicy } from './constructs/approval-gate.js';
export { JobWorkerFunction, type JobWorkerFunctionProps } from './constructs/job-worker-function.js';
export { INVOKE_HANDLERS, type InvokeHandlerName } from './stacks/handlers-stack.js';
export { SecretScanStack, type SecretScanStackProps } from './stacks/secret-scan-stack.js';
export {
  ReleasePipelineStack,
  RELEASE_SOURCE_KEY,
  type ReleasePipelineStackProps,
} from './stacks/release-pipeline-stack.js';
export {
  VariablesPipelineStack,
  VARIABLES_SOURCE_KEY,
  type VariablesPipelineStackProps,
} from './stacks/variables-pipeline-stack.js';
export { PipelineBuckets } from './stacks/pipeline-buckets.js';
export { registerAwsSolutionsChecks, acknowledgeNag, type NagAcknowledgment } from './nag.js';
export { createApp, CPKIT_STACKS, type CpkitAppOptions } from './app.js';
