import {
  GetPipelineStateCommand,
  PutApprovalResultCommand,
  type CodePipelineClient,
} from '@aws-sdk/client-codepipeline';
import type { LambdaFunctionURLEvent } from 'aws-lambda';
import {
  APPROVAL_LINK_PARAM,
  approvalConfirmationMac,
  verifyApprovalConfirmationMac,
  verifyApprovalLink,
  type ApprovalLinkPayload,
} from '../../toolkit/approval-links.js';
import { loadApprovalSigningSecret } from '../../toolkit/approval-secret.js';
import { getCodePipelineClient } from '../../toolkit/client.js';
import { createJobLogger, Redactor } from '../../toolkit/logger.js';
import {
  COMMENT_MAX_CHARS,
  confirmationPage,
  errorPage,
  NAME_MAX_CHARS,
  resultPage,
  type PageResponse,
} from './pages.js';
import { bodyText, cleanText, isFormContentType, isSameOrigin, MAX_FORM_BYTES } from './request.js';

/**
 * `approval-callback`: behind a Lambda Function URL (locally under `/_cpkit/functions/<name>/`).
 *
 * - `GET ?link=...` with a valid signature: a confirmation page (pipeline, stage, what will happen, an optional
 *   comment). It changes nothing, so link previewers and mail scanners cannot approve.
 * - `POST` from that page (form-urlencoded, same origin, the same signed link plus the page's confirmation MAC):
 *   PutApprovalResult with a summary naming the reviewer, the source address and the comment.
 * - Forged or tampered link: 403; expired: 410; already decided: 409. Pages are HTML-escaped, with no stack trace.
 *
 * Environment: the signing secret (`APPROVAL_SECRET_ARN`, `APPROVAL_SECRET` or `APPROVAL_SECRET_FILE`), optional
 * `CALLBACK_URL` (its host is accepted as same-origin), `AWS_ENDPOINT_URL(_CODEPIPELINE)` for a local engine.
 */

/** Longest PutApprovalResult summary (`ApprovalSummary`, 0..512 chars). */
export const APPROVAL_SUMMARY_MAX_CHARS = 512;

/** Seams for tests: the CodePipeline client, the secret and the clock. */
export interface CallbackDependencies {
  readonly client?: () => Pick<CodePipelineClient, 'send'>;
  readonly secret?: () => Promise<string>;
  readonly now?: () => Date;
}

/** Errors of PutApprovalResult that mean the approval no longer waits for this token. */
const DECIDED_ERRORS = new Set(['ApprovalAlreadyCompletedException', 'InvalidApprovalTokenException']);
const GONE_ERRORS = new Set([
  'PipelineNotFoundException',
  'StageNotFoundException',
  'ActionNotFoundException',
]);

/**
 * The summary stored with the decision, at most 512 characters: who (self-declared name), from where (source
 * address) and the comment, which is cut first when too long.
 */
export function approvalSummary(
  decision: ApprovalLinkPayload['decision'],
  name: string,
  sourceIp: string | undefined,
  comment: string,
): string {
  const head = `${decision === 'approve' ? 'Approved' : 'Rejected'} via signed link by ${name || 'an unnamed reviewer'}${
    sourceIp ? ` from ${sourceIp}` : ''
  }`;
  const full = comment ? `${head}: ${comment}` : head;
  return full.length <= APPROVAL_SUMMARY_MAX_CHARS
    ? full
    : `${full.slice(0, APPROVAL_SUMMARY_MAX_CHARS - 1)}…`;
}

function errorName(err: unknown): string {
  return (err as { name?: string })?.name ?? 'Error';
}

function linkRefusal(reason: string): PageResponse {
  if (reason === 'expired') {
    return errorPage(
      410,
      'This link has expired',
      'Ask for a new approval link, or decide in the AWS console.',
    );
  }
  return errorPage(403, 'This link is not valid', 'The link was changed or was not issued by this pipeline.');
}

const decidedPage = (): PageResponse =>
  errorPage(
    409,
    'Already decided',
    'This approval is no longer waiting for a decision. Nothing was changed.',
  );

/** Whether the approval is still waiting for this token (undefined when the state could not be read). */
async function isPending(
  client: Pick<CodePipelineClient, 'send'>,
  payload: ApprovalLinkPayload,
): Promise<boolean | undefined> {
  try {
    const state = await client.send(new GetPipelineStateCommand({ name: payload.pipelineName }));
    const stage = state.stageStates?.find((s) => s.stageName === payload.stageName);
    const action = stage?.actionStates?.find((a) => a.actionName === payload.actionName);
    const latest = action?.latestExecution;
    if (!latest || latest.status !== 'InProgress') return false;
    // Another waiting run (PARALLEL mode shows only the newest token): let PutApprovalResult decide on POST.
    return latest.token === undefined || latest.token === payload.token ? true : undefined;
  } catch (err) {
    if (GONE_ERRORS.has(errorName(err))) return false;
    return undefined;
  }
}

/**
 * Builds the handler with its dependencies (the exported `handler` uses the container's shared client).
 *
 * @example
 * const handler = createCallbackHandler({ now: () => new Date('2026-11-23T10:00:00Z') });
 */
export function createCallbackHandler(deps: CallbackDependencies = {}) {
  const client = deps.client ?? getCodePipelineClient;
  const loadSecret = deps.secret ?? (() => loadApprovalSigningSecret());
  const now = deps.now ?? (() => new Date());

  return async function handle(event: LambdaFunctionURLEvent): Promise<PageResponse> {
    const redactor = new Redactor({ extraKeys: ['link', 'confirm'] });
    const logger = createJobLogger({ redactor, loggerOptions: { serviceName: 'approval-callback' } });
    const method = (event.requestContext?.http?.method ?? 'GET').toUpperCase();
    try {
      if (method !== 'GET' && method !== 'HEAD' && method !== 'POST') {
        const res = errorPage(405, 'Method not allowed', 'Open the link in a browser.');
        return { ...res, headers: { ...res.headers, allow: 'GET, HEAD, POST' } };
      }
      const secret = await loadSecret();
      redactor.addSecretValues([secret]);
      let link: string | null;
      let form: URLSearchParams | undefined;
      if (method === 'POST') {
        if (!isFormContentType(event)) {
          return errorPage(415, 'Unsupported form', 'Submit the confirmation form from the approval page.');
        }
        if (!isSameOrigin(event, process.env.CALLBACK_URL)) {
          logger.warn('Refused a cross-origin approval POST');
          return errorPage(403, 'Request refused', 'The form was not submitted from the approval page.');
        }
        const text = bodyText(event);
        if (Buffer.byteLength(text, 'utf8') > MAX_FORM_BYTES) {
          return errorPage(413, 'Form too large', 'Shorten the comment and try again.');
        }
        form = new URLSearchParams(text);
        link = form.get(APPROVAL_LINK_PARAM);
      } else {
        link = new URLSearchParams(event.rawQueryString ?? '').get(APPROVAL_LINK_PARAM);
      }
      if (!link)
        return errorPage(400, 'Incomplete link', 'The link has no approval data; copy the whole link.');
      redactor.addSecretValues([link]);
      const verified = verifyApprovalLink(link, { secret, now: now() });
      if (!verified.ok) {
        logger.warn('Refused an approval link', { reason: verified.reason });
        return linkRefusal(verified.reason);
      }
      const { payload, signature } = verified;
      redactor.addSecretValues([payload.token]);
      const where = {
        pipelineName: payload.pipelineName,
        stageName: payload.stageName,
        actionName: payload.actionName,
      };

      if (!form) {
        if ((await isPending(client(), payload)) === false) return decidedPage();
        const page = confirmationPage(payload, link, approvalConfirmationMac(signature, secret));
        logger.info('Showed an approval confirmation page', { ...where, decision: payload.decision });
        return method === 'HEAD' ? { ...page, body: '' } : page;
      }

      if (!verifyApprovalConfirmationMac(form.get('confirm') ?? '', signature, secret)) {
        logger.warn('Refused an approval POST without the confirmation from the page', where);
        return errorPage(403, 'Request refused', 'Open the link again and confirm on the page it shows.');
      }
      const name = cleanText(form.get('name'), NAME_MAX_CHARS).replace(/\s+/g, ' ');
      const comment = cleanText(form.get('comment'), COMMENT_MAX_CHARS);
      const summary = approvalSummary(payload.decision, name, event.requestContext?.http?.sourceIp, comment);
      try {
        await client().send(
          new PutApprovalResultCommand({
            pipelineName: payload.pipelineName,
            stageName: payload.stageName,
            actionName: payload.actionName,
            token: payload.token,
            result: { status: payload.decision === 'approve' ? 'Approved' : 'Rejected', summary },
          }),
        );
      } catch (err) {
        const type = errorName(err);
        logger.warn('PutApprovalResult refused', { ...where, error: type });
        if (DECIDED_ERRORS.has(type)) return decidedPage();
        if (GONE_ERRORS.has(type)) {
          return errorPage(404, 'Approval not found', 'The pipeline, stage or action no longer exists.');
        }
        return errorPage(502, 'Could not record the decision', 'Nothing was changed. Try again in a minute.');
      }
      logger.info('Recorded an approval decision', {
        ...where,
        decision: payload.decision,
        reviewer: name || null,
      });
      return resultPage(payload);
    } catch (err) {
      logger.error('Approval callback failed', { error: errorName(err), message: (err as Error)?.message });
      return errorPage(500, 'Something went wrong', 'Nothing was changed. Try again in a minute.');
    }
  };
}

/** Lambda handler for the callback's Function URL. */
export const handler = createCallbackHandler();
