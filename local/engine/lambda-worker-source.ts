/**
 * Source of the worker process that plays one Lambda execution environment: it imports the function's
 * bundle once (cold start), then serves invocations one at a time over IPC with a Lambda-like `context`.
 * Console output goes back over IPC with the request id so the per-function log stays in order.
 * Kept as a string so the runtime works the same from sources, from the CLI bundle and when installed.
 * @internal
 */
export const LAMBDA_WORKER_SOURCE = String.raw`
import { pathToFileURL } from 'node:url';
import { format } from 'node:util';

let handler;
let currentRequestId;
const send = (msg) => process.send && process.send(msg);
for (const [method, level] of [['log', 'INFO'], ['info', 'INFO'], ['warn', 'WARN'], ['error', 'ERROR'], ['debug', 'DEBUG'], ['trace', 'TRACE']]) {
  console[method] = (...args) => {
    send({ type: 'log', line: new Date().toISOString() + '\t' + (currentRequestId ?? 'undefined') + '\t' + level + '\t' + format(...args) });
  };
}
const toError = (err) => {
  if (err instanceof Error) return { errorType: err.name || 'Error', errorMessage: err.message, stack: (err.stack || '').split('\n') };
  return { errorType: 'Error', errorMessage: typeof err === 'string' ? err : JSON.stringify(err) };
};

process.on('message', async (msg) => {
  if (msg.type === 'init') {
    const started = performance.now();
    try {
      const mod = await import(pathToFileURL(msg.bundle).href);
      const fn = mod[msg.handler] ?? mod.default?.[msg.handler];
      if (typeof fn !== 'function') throw Object.assign(new Error(msg.bundle + ' does not export a function named "' + msg.handler + '"'), { name: 'Runtime.HandlerNotFound' });
      handler = fn;
      send({ type: 'ready', initMs: performance.now() - started });
    } catch (err) {
      const e = toError(err);
      if (!String(e.errorType).startsWith('Runtime.')) e.errorType = 'Runtime.ImportModuleError';
      send({ type: 'init-error', error: e });
    }
    return;
  }
  if (msg.type === 'invoke') {
    currentRequestId = msg.requestId;
    const deadline = msg.deadline;
    const context = {
      awsRequestId: msg.requestId,
      functionName: msg.functionName,
      functionVersion: '$LATEST',
      invokedFunctionArn: msg.invokedFunctionArn,
      memoryLimitInMB: String(msg.memoryMB),
      logGroupName: '/aws/lambda/' + msg.functionName,
      logStreamName: msg.logStreamName,
      callbackWaitsForEmptyEventLoop: true,
      getRemainingTimeInMillis: () => Math.max(0, deadline - Date.now()),
    };
    try {
      let result;
      if (handler.length >= 3) {
        result = await new Promise((resolve, reject) => {
          const maybe = handler(msg.event, context, (err, value) => (err ? reject(err) : resolve(value)));
          if (maybe && typeof maybe.then === 'function') maybe.then(resolve, reject);
        });
      } else {
        result = await handler(msg.event, context);
      }
      send({ type: 'result', requestId: msg.requestId, ok: true, value: result === undefined ? null : result });
    } catch (err) {
      send({ type: 'result', requestId: msg.requestId, ok: false, error: toError(err) });
    } finally {
      currentRequestId = undefined;
    }
  }
});
// the engine is gone (stopped or killed): an execution environment without its runtime ends too
process.on('disconnect', () => process.exit(0));
send({ type: 'started' });
`;
