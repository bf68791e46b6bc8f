export { JobHandlerFunction, type JobHandlerFunctionProps } from './constructs/job-handler-function.js';
export { HandlersStack, type HandlersStackProps } from './stacks/handlers-stack.js';
