/**
 * The Graph API as the rest of the engine sees it. The real client (graph-client.ts) and the
 * simulator's fake server both satisfy it; the pipeline depends only on this interface.
 */

/** A button or quick reply in Messenger; `payload` comes back in a postback or quick reply. */
export interface MessageChoice {
  title: string;
  payload: string;
}

export interface OutgoingMessage {
  text: string;
  /** Tappable answers under the text (e.g. Yes / No). */
  quickReplies?: MessageChoice[];
  /** Postback buttons (button template). */
  buttons?: MessageChoice[];
}

export interface UtilityTemplate {
  /** An approved utility template's name. */
  name: string;
  language: string;
  /** Body parameters, in order. */
  parameters: string[];
}

export interface GraphApi {
  /** Publishes now, or schedules when `scheduledAt` (ms since epoch) is given (10 min to 30 days ahead). */
  publishPost(input: { message: string; scheduledAt?: number }): Promise<{ postId: string; permalinkUrl: string | null }>;
  /** A public reply under a comment. */
  replyToComment(commentId: string, message: string): Promise<{ id: string }>;
  /** The one private reply a Page may send per comment (within 7 days). Returns the person's PSID. */
  privateReply(commentId: string, message: OutgoingMessage): Promise<{ recipientId: string; messageId: string }>;
  /** A normal Messenger message, allowed within 24 h of the person's last message. */
  sendMessage(psid: string, message: OutgoingMessage): Promise<{ messageId: string }>;
  /** An approved utility template (event updates outside the 24 h window). */
  sendUtilityTemplate(psid: string, template: UtilityTemplate): Promise<{ messageId: string }>;
}

/**
 * How a failed call should be handled:
 * - `rate_limited`: wait `retryAfterMs` (from the usage headers when Meta gives it), then retry;
 * - `transient`: 5xx, timeouts, network errors: retry with backoff;
 * - `permanent`: the request can never succeed (comment deleted, window closed, bad token):
 *   fail once and show `userMessage` to the coordinator.
 */
export type GraphFailureKind = 'rate_limited' | 'transient' | 'permanent';

export class GraphError extends Error {
  override name = 'GraphError';
  constructor(
    readonly kind: GraphFailureKind,
    /** A sentence the coordinator can read (never contains a token). */
    readonly userMessage: string,
    readonly details: { code?: number; subcode?: number; status?: number; retryAfterMs?: number | null } = {},
  ) {
    super(userMessage);
  }

  get retryAfterMs(): number | null {
    return this.details.retryAfterMs ?? null;
  }
}
