import type { SimCall } from './graph-simulator';

/** What the simulated Graph API saw of the app's replies, per comment and per person. */
export interface ReplyTally {
  /** Public replies Meta accepted, by the comment replied to. */
  publicAccepted: Map<string, number>;
  /**
   * Private replies that reached Meta's endpoint, accepted or refused by its one-per-comment
   * rule, by comment. Calls answered with an injected fault are left out: Meta never saw them,
   * so sending again is a retry, not a second reply.
   */
  privateAttempts: Map<string, number>;
  /** Private replies Meta accepted, by comment. */
  privateAccepted: Map<string, number>;
  /** Messenger messages to a person (recipient PSID) that Meta accepted, by PSID. */
  messagesTo: Map<string, number>;
}

const add = (m: Map<string, number>, key: string): void => void m.set(key, (m.get(key) ?? 0) + 1);
const accepted = (c: SimCall): boolean => c.fault === null && c.status !== null && c.status < 300;

/** Counts the replies in a simulator's call log (`sim.calls()`). */
export function tallyReplies(calls: readonly SimCall[]): ReplyTally {
  const t: ReplyTally = { publicAccepted: new Map(), privateAttempts: new Map(), privateAccepted: new Map(), messagesTo: new Map() };
  for (const c of calls) {
    if (c.method !== 'POST') continue;
    const publicTo = /^([^/]+)\/comments$/.exec(c.path)?.[1];
    if (publicTo) {
      if (accepted(c)) add(t.publicAccepted, publicTo);
      continue;
    }
    if (!c.path.endsWith('/messages')) continue;
    const recipient = (c.body?.recipient ?? {}) as { comment_id?: unknown; id?: unknown };
    if (typeof recipient.comment_id === 'string') {
      if (c.fault === null) add(t.privateAttempts, recipient.comment_id);
      if (accepted(c)) add(t.privateAccepted, recipient.comment_id);
    } else if (typeof recipient.id === 'string' && accepted(c)) {
      add(t.messagesTo, recipient.id);
    }
  }
  return t;
}

/** The first quick reply or button payload of the private reply Meta accepted for a comment (what a person taps). */
export function privateReplyChoice(calls: readonly SimCall[], commentId: string): { title: string; payload: string } | null {
  for (const c of calls) {
    if (c.method !== 'POST' || !c.path.endsWith('/messages') || !accepted(c)) continue;
    const b = c.body ?? {};
    if ((b.recipient as { comment_id?: unknown } | undefined)?.comment_id !== commentId) continue;
    const m = (b.message ?? {}) as { quick_replies?: { title: string; payload: string }[]; attachment?: { payload?: { buttons?: { title: string; payload: string }[] } } };
    return m.quick_replies?.[0] ?? m.attachment?.payload?.buttons?.[0] ?? null;
  }
  return null;
}
