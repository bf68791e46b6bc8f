import type { RouteHandler } from '../router.js';
import type { ApiContext } from './operation.js';
import { handleWebhookRequest } from './webhook-endpoint.js';

/** Largest webhook payload accepted (GitHub caps deliveries at 25 MB; 5 MB keeps the server lean). */
export const MAX_WEBHOOK_BODY = 5 * 1024 * 1024;

/**
 * The `POST /_cpkit/webhooks/:name` route: reads the body (bounded), hands it to
 * handleWebhookRequest and writes its JSON answer.
 * @example
 * router.add('POST', '/_cpkit/webhooks/:name', webhookRoute(context));
 */
export function webhookRoute(ctx: ApiContext): RouteHandler {
  return async (req, res, params) => {
    const chunks: Buffer[] = [];
    let size = 0;
    for await (const chunk of req as AsyncIterable<Buffer>) {
      size += chunk.length;
      if (size > MAX_WEBHOOK_BODY) {
        res
          .writeHead(413, { 'content-type': 'application/json' })
          .end(JSON.stringify({ message: 'Payload too large' }));
        req.destroy();
        return;
      }
      chunks.push(chunk);
    }
    const result = await handleWebhookRequest(ctx, params.name, {
      body: Buffer.concat(chunks),
      headers: req.headers,
      remoteAddress: req.socket.remoteAddress,
    });
    res.writeHead(result.status, { 'content-type': 'application/json' }).end(JSON.stringify(result.body));
  };
}
