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
