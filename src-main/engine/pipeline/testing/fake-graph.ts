import { createHash } from 'node:crypto';
import { GraphError, type GraphApi, type OutgoingMessage, type UtilityTemplate } from '../../facebook/graph-types';

export type FakeCall =
  | { op: 'publishPost'; message: string; scheduledAt: number | null }
  | { op: 'replyToComment'; commentId: string; message: string }
  | { op: 'privateReply'; commentId: string; message: OutgoingMessage }
  | { op: 'sendMessage'; psid: string; message: OutgoingMessage }
  | { op: 'sendUtilityTemplate'; psid: string; template: UtilityTemplate };

/** A PSID per comment, stable like Meta's. */
export function psidFor(commentId: string): string {
  return `psid_${createHash('sha1').update(commentId).digest('hex').slice(0, 10)}`;
}

/**
 * An in-memory GraphApi for focused tests: records every successful call, refuses a second
 * private reply to one comment (as Meta does), and fails the next calls of an operation on demand.
 */
export class FakeGraph implements GraphApi {
  readonly calls: FakeCall[] = [];
  private readonly failures: Array<{ op: FakeCall['op']; error: GraphError; count: number }> = [];
  private readonly privateReplied = new Set<string>();
  private seq = 0;
  /** PSID per comment id, when a test wants people to be recognisable across comments. */
  psidOf: (commentId: string) => string = psidFor;

  failNext(op: FakeCall['op'], error: GraphError, count = 1): void {
    this.failures.push({ op, error, count });
  }

  of<O extends FakeCall['op']>(op: O): Extract<FakeCall, { op: O }>[] {
    return this.calls.filter((c): c is Extract<FakeCall, { op: O }> => c.op === op);
  }

  private check(op: FakeCall['op']): void {
    const f = this.failures.find((x) => x.op === op);
    if (!f) return;
    f.count -= 1;
    if (f.count <= 0) this.failures.splice(this.failures.indexOf(f), 1);
    throw f.error;
  }

  async publishPost(input: { message: string; scheduledAt?: number }) {
    this.check('publishPost');
    this.calls.push({ op: 'publishPost', message: input.message, scheduledAt: input.scheduledAt ?? null });
    const postId = `page_${(this.seq += 1)}`;
    return { postId, permalinkUrl: `https://facebook.test/${postId}` };
  }

  async replyToComment(commentId: string, message: string) {
    this.check('replyToComment');
    this.calls.push({ op: 'replyToComment', commentId, message });
    return { id: `r_${(this.seq += 1)}` };
  }

  async privateReply(commentId: string, message: OutgoingMessage) {
    this.check('privateReply');
    if (this.privateReplied.has(commentId)) throw new GraphError('permanent', 'already replied', { code: 10900 });
    this.privateReplied.add(commentId);
    this.calls.push({ op: 'privateReply', commentId, message });
    return { recipientId: this.psidOf(commentId), messageId: `m_${(this.seq += 1)}` };
  }

  async sendMessage(psid: string, message: OutgoingMessage) {
    this.check('sendMessage');
    this.calls.push({ op: 'sendMessage', psid, message });
    return { messageId: `m_${(this.seq += 1)}` };
  }

  async sendUtilityTemplate(psid: string, template: UtilityTemplate) {
    this.check('sendUtilityTemplate');
    this.calls.push({ op: 'sendUtilityTemplate', psid, template });
    return { messageId: `m_${(this.seq += 1)}` };
  }
}
