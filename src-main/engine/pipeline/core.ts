import type { ReplyTemplates } from '../../contract/events';
import { DEFAULT_REVIEW_THRESHOLD } from '../model/review-threshold';
import { dispatchEffects, type DispatchDeps } from './dispatch';
import { Effects, type ReplyJob } from './effects';
import type { SignupContext } from './signups/signup-engine';
import type { PipelineState } from './state/pipeline-state';
import { ReplyTexts } from './replies/templates';

/** What the coordinator's requests share: the records, the settings, and one way to make a change. */
export class PipelineCore {
  constructor(
    readonly state: PipelineState,
    readonly dispatch: DispatchDeps,
    /** Settings → Model: below this confidence a comment waits for the coordinator. */
    readonly reviewThreshold: () => number = () => DEFAULT_REVIEW_THRESHOLD,
  ) {}

  now(): number {
    return this.dispatch.now();
  }

  timeZone(): string {
    return this.dispatch.timeZone();
  }

  /** The reply texts in every language, as stored now. */
  replyTexts(): ReplyTexts {
    return new ReplyTexts(this.state.templates, this.state.replyTexts);
  }

  /** The texts in the Page's default language. */
  templates(): ReplyTemplates {
    return this.replyTexts().in(null);
  }

  /** A context for one change: the records, the time, the texts, the threshold, and where effects go. */
  context(effects: Effects): SignupContext {
    const texts = this.replyTexts();
    const cache = new Map<string, ReplyTemplates>();
    const textsIn = (lang: Parameters<ReplyTexts['in']>[0]): ReplyTemplates => {
      const k = lang ?? '';
      let t = cache.get(k);
      if (!t) cache.set(k, (t = texts.in(lang)));
      return t;
    };
    return { state: this.state, now: this.now(), timeZone: this.timeZone(), templates: textsIn(null), textsIn, languageOf: (lang) => texts.resolve(lang), reviewThreshold: this.reviewThreshold(), effects };
  }

  /**
   * Makes a change in memory, writes the touched files, then carries out its effects (replies,
   * live events, feed, metrics), in that order, like the recorder does.
   */
  async change<T>(fn: (ctx: SignupContext, replies: ReplyJob[]) => T): Promise<T> {
    const effects = new Effects();
    const replies: ReplyJob[] = [];
    const ctx = this.context(effects);
    const result = fn(ctx, replies);
    await this.state.flush();
    await dispatchEffects(this.dispatch, effects, replies);
    return result;
  }
}
