import type { ApprovalLinks } from '../../toolkit/approval-links.js';
import type { ApprovalMessage } from '../../toolkit/approval-message.js';

/** Body formats the notify handler can post. */
export type WebhookFormat = 'slack' | 'generic';

/** Slack's limits on block text. */
const SLACK_HEADER_MAX = 150;
const SLACK_SECTION_MAX = 3000;

/** Escapes text for Slack mrkdwn (`&`, `<`, `>` are control characters there). */
export function escapeSlack(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}

function clip(text: string, max: number): string {
  return text.length <= max ? text : `${text.slice(0, max - 1)}…`;
}

/** A URL Slack can put in `<url|label>`: http(s) only, with `|` and `>` percent-encoded. */
function slackLink(url: string | undefined, label: string): string | undefined {
  if (!url || !/^https?:\/\//i.test(url)) return undefined;
  const safe = url.replace(/\|/g, '%7C').replace(/>/g, '%3E').replace(/</g, '%3C');
  return `<${safe}|${escapeSlack(label)}>`;
}

/**
 * An incoming-webhook body in Slack's Block Kit: pipeline, stage, action, custom data, the external link and two
 * link buttons. The approval token itself is not in the message (only inside the signed links).
 */
export function slackMessage(message: ApprovalMessage, links: ApprovalLinks): Record<string, unknown> {
  const { pipelineName, stageName, actionName, customData, externalEntityLink } = message.approval;
  const expiresUnix = Math.floor(links.expiresAt.getTime() / 1000);
  const blocks: Record<string, unknown>[] = [
    {
      type: 'header',
      text: { type: 'plain_text', text: clip(`Approval needed: ${pipelineName}`, SLACK_HEADER_MAX) },
    },
    {
      type: 'section',
      fields: [
        { type: 'mrkdwn', text: `*Pipeline*\n${escapeSlack(pipelineName)}` },
        { type: 'mrkdwn', text: `*Stage*\n${escapeSlack(stageName)}` },
        { type: 'mrkdwn', text: `*Action*\n${escapeSlack(actionName)}` },
        {
          type: 'mrkdwn',
          text: `*Links expire*\n<!date^${expiresUnix}^{date_short_pretty} {time}|${links.expiresAt.toISOString()}>`,
        },
      ],
    },
  ];
  if (customData) {
    blocks.push({
      type: 'section',
      text: { type: 'mrkdwn', text: clip(escapeSlack(customData), SLACK_SECTION_MAX) },
    });
  }
  const external = slackLink(externalEntityLink, 'Review the change');
  if (external) blocks.push({ type: 'section', text: { type: 'mrkdwn', text: external } });
  blocks.push({
    type: 'actions',
    elements: [
      {
        type: 'button',
        action_id: 'cpkit_approve',
        style: 'primary',
        text: { type: 'plain_text', text: 'Approve…' },
        url: links.approve,
      },
      {
        type: 'button',
        action_id: 'cpkit_reject',
        style: 'danger',
        text: { type: 'plain_text', text: 'Reject…' },
        url: links.reject,
      },
    ],
  });
  const consoleRef = slackLink(message.consoleLink, 'Open in the AWS console');
  blocks.push({
    type: 'context',
    elements: [
      {
        type: 'mrkdwn',
        text: `Each button opens a confirmation page; nothing changes until you confirm there.${consoleRef ? ` ${consoleRef}` : ''}`,
      },
    ],
  });
  return {
    text: `Approval needed: ${escapeSlack(pipelineName)} / ${escapeSlack(stageName)} / ${escapeSlack(actionName)}`,
    blocks,
  };
}

/** A plain JSON body for any webhook receiver (no token outside the signed links). */
export function genericMessage(message: ApprovalMessage, links: ApprovalLinks): Record<string, unknown> {
  const a = message.approval;
  return {
    type: 'codepipeline.approval-needed',
    version: 1,
    region: message.region,
    pipeline: a.pipelineName,
    stage: a.stageName,
    action: a.actionName,
    customData: a.customData ?? null,
    externalEntityLink: a.externalEntityLink ?? null,
    consoleLink: message.consoleLink,
    approvalExpires: a.expires.toISOString(),
    links: { approve: links.approve, reject: links.reject, expiresAt: links.expiresAt.toISOString() },
  };
}

/** The body for `format`. */
export function webhookBody(
  format: WebhookFormat,
  message: ApprovalMessage,
  links: ApprovalLinks,
): Record<string, unknown> {
  return format === 'slack' ? slackMessage(message, links) : genericMessage(message, links);
}
