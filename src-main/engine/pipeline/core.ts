import type { ReplyTemplates } from '../../contract/events';
import { dispatchEffects, type DispatchDeps } from './dispatch';
import { Effects, type ReplyJob } from './effects';
import type { SignupContext } from './signups/signup-engine';
import type { PipelineState } from './state/pipeline-state';
import { effectiveTemplates } from './replies/templates';

/** What the coordinator's requests share: the records, the settings, and one way to make a change. */
export class PipelineCore {
  constructor(
    readonly state: PipelineState,
    readonly dispatch: DispatchDeps,
  ) {}

  now(): number {
    return this.dispatch.now();
  }

  timeZone(): string {
    return this.dispatch.timeZone();
  }

  templates(): ReplyTemplates {
    return effectiveTemplates(this.state.templates);
  }

  /**
   * Makes a change in memory, writes the touched files, then carries out its effects (replies,
   * live events, feed, metrics), in that order, like the recorder does.
   */
  async change<T>(fn: (ctx: SignupContext, replies: ReplyJob[]) => T): Promise<T> {
    const effects = new Effects();
    const replies: ReplyJob[] = [];
    const ctx: SignupContext = { state: this.state, now: this.now(), timeZone: this.timeZone(), templates: this.templates(), effects };
    const result = fn(ctx, replies);
    await this.state.flush();
    await dispatchEffects(this.dispatch, effects, replies);
    return result;
  }
}
