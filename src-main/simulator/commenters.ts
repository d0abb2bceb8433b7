import type { Logger } from '../engine/log';
import { COMMENT_POOL, type PoolComment } from './comment-pool';
import {
  commentChange,
  deliverSigned,
  feedEntry,
  messageEvent,
  messagingEntry,
  postbackEvent,
  webhookPayload,
  type Change,
} from './webhook-payloads';
import type { SimPerson, SimWorld } from './world';

export interface CommentersOptions {
  world: SimWorld;
  pageId: string;
  /** Where webhooks go (the app's `/webhooks/facebook`). */
  target: () => string;
  appSecret: () => string;
  log: Logger;
  /** Pause between deliveries while running, in ms. */
  paceMs?: { min: number; max: number };
  /** Comments per post before the commenters fall quiet. */
  maxCommentsPerPost?: number;
  /** Share of deliveries sent twice (Meta delivers at least once). */
  duplicateRate?: number;
  /** Share of deliveries held back and sent after the next one. */
  reorderRate?: number;
}

/** What a simulated person wrote, for tests to compare with what the pipeline saw. */
export interface SentComment {
  postId: string;
  commentId: string;
  person: SimPerson | null;
  text: string;
  intent: PoolComment['intent'] | null;
  verb: 'add' | 'edited' | 'remove';
}

/**
 * Simulated people who comment on the Page's posts and answer its Messenger messages, each
 * delivery a signed webhook in Meta's format: sometimes batched, duplicated or out of order.
 */
/** What a post's opening deliveries are made to hold: one intent, or a hedged comment. */
type Opening = PoolComment['intent'] | 'hedged';

export class Commenters {
  private readonly sentComments: SentComment[] = [];
  private readonly timers = new Set<NodeJS.Timeout>();
  private held: string | null = null;
  /** POSTs that carried more than one entry (Meta batches them). */
  batchedPosts = 0;
  private seq = 0;
  private stopped = false;

  constructor(private readonly opts: CommentersOptions) {}

  sent(): SentComment[] {
    return [...this.sentComments];
  }

  /** Starts commenting on a post at a gentle pace (demo mode). */
  commentOn(postId: string): void {
    let left = this.opts.maxCommentsPerPost ?? 12;
    // A new post's first delivery always holds someone signing up, the second someone asking and
    // the third someone hedging ("I'll try to make it"), so the coordinator sees the whole journey
    // within seconds, whatever the crowd's random mix turns out to be: a live signup, a question
    // in the inbox, and the kind of comment the model is least sure of (waiting in "Needs a look"
    // when its confidence is under the threshold in Settings → Model).
    const opening: Opening[] = ['signup', 'question', 'hedged'];
    const tick = (): void => {
      if (this.stopped || left <= 0) return;
      const firstIntent = opening.shift();
      this.step(postId, firstIntent ? { firstIntent } : {})
        .then((n) => {
          left -= n;
        })
        .catch((err: unknown) => this.opts.log.warn('simulated comment not delivered', { err: err instanceof Error ? err.message : String(err) }))
        .finally(() => this.later(tick, this.pause()));
    };
    this.later(tick, this.pause());
  }

  /**
   * Sends one delivery for a post now: one to three new comments, sometimes an edit or
   * removal of an earlier one, or the Page's own reply. Returns how many new comments it held.
   */
  async step(postId: string, opts: { firstIntent?: Opening } = {}): Promise<number> {
    const { world, pageId } = this.opts;
    const changes: Change[] = [];
    const count = 1 + Math.floor(world.random() * 3);
    for (let i = 0; i < count; i += 1) changes.push(this.newComment(postId, i === 0 ? opts.firstIntent : undefined));
    const roll = world.random();
    const earlier = this.sentComments.filter((c) => c.postId === postId && c.verb === 'add' && c.person);
    if (roll < 0.1 && earlier.length > 0) {
      const c = world.pick(earlier);
      const text = `${c.text} (edit: see you there!)`;
      changes.push(commentChange({ pageId, postId, commentId: c.commentId, from: c.person, message: text, verb: 'edited' }));
      this.sentComments.push({ ...c, text, verb: 'edited' });
    } else if (roll < 0.15 && earlier.length > 0) {
      const c = world.pick(earlier);
      changes.push(commentChange({ pageId, postId, commentId: c.commentId, from: c.person, verb: 'remove' }));
      this.sentComments.push({ ...c, text: '', verb: 'remove' });
    } else if (roll < 0.22 && earlier.length > 0) {
      const c = world.pick(earlier);
      changes.push(commentChange({ pageId, postId, commentId: this.commentIdFor(postId), parentId: c.commentId, from: { id: pageId, name: 'The Page' }, message: 'Thank you!' }));
    }
    await this.send(JSON.stringify(webhookPayload([feedEntry(pageId, changes)])));
    return count;
  }

  /** A simulated person answers a Messenger message the Page sent: taps a button or quick reply. */
  async answer(psid: string, body: Record<string, unknown>): Promise<void> {
    const { world, pageId } = this.opts;
    const message = (body.message ?? {}) as {
      quick_replies?: { title: string; payload: string }[];
      attachment?: { payload?: { buttons?: { title: string; payload: string }[] } };
    };
    const buttons = message.attachment?.payload?.buttons ?? [];
    const quick = message.quick_replies ?? [];
    const choose = <T>(opts: T[]): T | undefined => (world.random() < 0.8 ? opts[0] : opts[1] ?? opts[0]);
    const mid = `m_sim_${(this.seq += 1)}`;
    const b = choose(buttons);
    const q = choose(quick);
    if (b) await this.send(JSON.stringify(webhookPayload([messagingEntry(pageId, postbackEvent(pageId, psid, mid, b.title, b.payload))])));
    else if (q) await this.send(JSON.stringify(webhookPayload([messagingEntry(pageId, messageEvent(pageId, psid, mid, q.title, q.payload))])));
  }

  /** Answers after a short human pause (demo mode). */
  answerLater(psid: string, body: Record<string, unknown>): void {
    this.later(() => {
      this.answer(psid, body).catch((err: unknown) => this.opts.log.warn('simulated answer not delivered', { err: err instanceof Error ? err.message : String(err) }));
    }, this.pause());
  }

  stop(): void {
    this.stopped = true;
    for (const t of this.timers) clearTimeout(t);
    this.timers.clear();
  }

  private newComment(postId: string, intent?: Opening): Change {
    const { world, pageId } = this.opts;
    const pooled = world.pick(
      intent === 'hedged' ? COMMENT_POOL.filter((c) => c.hedged) : intent ? COMMENT_POOL.filter((c) => c.intent === intent && !c.hedged) : COMMENT_POOL,
    );
    // Someone signing up on purpose has a name: an anonymous comment cannot be signed up.
    const anonymous = intent === undefined && world.random() < 0.05;
    const person = world.pick(world.people);
    const commentId = this.commentIdFor(postId);
    world.recordComment(commentId, person);
    this.sentComments.push({ postId, commentId, person: anonymous ? null : person, text: pooled.text, intent: pooled.intent, verb: 'add' });
    return commentChange({ pageId, postId, commentId, from: anonymous ? null : { id: person.id, name: person.name }, message: pooled.text });
  }

  private commentIdFor(postId: string): string {
    const postPart = postId.split('_')[1] ?? postId;
    return `${postPart}_${9_000_000 + (this.seq += 1)}`;
  }

  /**
   * Sends a body, sometimes twice, sometimes after the next one (held back). A held-back body
   * goes out either as a POST of its own after the next one, or inside the next one's POST as a
   * later entry, as Meta batches entries: both reorder, the second also batches.
   */
  private async send(body: string): Promise<void> {
    const { world } = this.opts;
    if (this.held === null && world.random() < (this.opts.reorderRate ?? 0.1)) {
      this.held = body;
      return;
    }
    let sent = body;
    if (this.held !== null && world.random() < 0.5) {
      sent = batchEntries(body, this.held);
      this.held = null;
      this.batchedPosts += 1;
    }
    await this.post(sent);
    if (this.held !== null) {
      const late = this.held;
      this.held = null;
      await this.post(late);
    }
    if (world.random() < (this.opts.duplicateRate ?? 0.15)) await this.post(sent);
  }

  /** Sends whatever is held back (a test calls this before checking). */
  async flush(): Promise<void> {
    if (this.held === null) return;
    const late = this.held;
    this.held = null;
    await this.post(late);
  }

  private async post(body: string): Promise<void> {
    const res = await deliverSigned(this.opts.target(), this.opts.appSecret(), body);
    if (res.status !== 200) this.opts.log.warn('simulated webhook refused', { status: res.status });
  }

  private pause(): number {
    const { min, max } = this.opts.paceMs ?? { min: 2000, max: 6000 };
    return min + Math.floor(this.opts.world.random() * (max - min));
  }

  private later(fn: () => void, ms: number): void {
    const t = setTimeout(() => {
      this.timers.delete(t);
      fn();
    }, ms);
    this.timers.add(t);
  }
}

/** One webhook body holding the entries of several, in the order given. */
function batchEntries(...bodies: string[]): string {
  const entries = bodies.flatMap((b) => (JSON.parse(b) as { entry: unknown[] }).entry);
  return JSON.stringify({ object: 'page', entry: entries });
}
