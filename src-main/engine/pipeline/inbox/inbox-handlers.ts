import { RpcError } from '../../../contract/errors';
import { TEMPLATE_KEYS, type TemplateKey } from '../../../contract/events';
import type { Handlers } from '../../module';
import type { PipelineCore } from '../core';
import type { ReplyJob } from '../effects';
import type { InboxRecord } from '../state/records';
import { addToOutbox } from '../recorder/apply-comment';
import { inboxView } from '../state/views';

type InboxHandlers = Pick<
  Handlers,
  'inbox.list' | 'inbox.answer' | 'inbox.dismiss' | 'templates.get' | 'templates.set' | 'templates.languages' | 'templates.setDefaultLanguage'
>;

function findItem(core: PipelineCore, id: string): InboxRecord {
  const i = core.state.inbox[id];
  if (!i) throw new RpcError('not_found', `There is no question with id ${id}; reload the inbox.`);
  return i;
}

/** inbox.* (questions from comments, answered by the coordinator) and templates.* (reply texts). */
export function inboxHandlers(core: PipelineCore): InboxHandlers {
  const { state } = core;
  return {
    async 'inbox.list'(a) {
      return Object.values(state.inbox)
        .filter((i) => (!a.eventId || i.eventId === a.eventId) && (!a.status || i.status === a.status))
        .sort((x, y) => y.createdAt - x.createdAt)
        .map((i) => inboxView(state, i));
    },
    async 'inbox.answer'(a) {
      const item = findItem(core, a.id);
      if (item.status === 'answered') throw new RpcError('conflict', 'This question was already answered.');
      const comment = state.comments[item.commentId];
      if (!comment || comment.state === 'removed') throw new RpcError('conflict', 'The comment was deleted on Facebook, so it can no longer be answered there.');
      const volunteer = item.volunteerId ? state.volunteers[item.volunteerId] : undefined;
      const replies: ReplyJob[] = [];
      if (a.channel !== 'private') replies.push({ kind: 'answer.public', key: comment.id, to: { commentId: comment.id, private: false }, text: a.message, volunteerId: item.volunteerId });
      if (a.channel !== 'public') {
        if (!comment.privateReplied) {
          comment.privateReplied = true;
          replies.push({ kind: 'private', key: comment.id, to: { commentId: comment.id, private: true, commentCreatedAt: comment.createdAt }, text: a.message, volunteerId: item.volunteerId });
        } else if (volunteer?.psid) {
          replies.push({ kind: 'answer.private', key: comment.id, to: { psid: volunteer.psid }, text: a.message, volunteerId: volunteer.id });
        } else {
          throw new RpcError('conflict', 'This person already got their one private reply for this comment and has not written in Messenger. Answer publicly instead.');
        }
      }
      await core.change((ctx, out) => {
        item.status = 'answered';
        item.answer = a.message;
        item.answeredAt = ctx.now;
        const queued = addToOutbox(comment, replies);
        state.putComment(comment);
        state.touch('inbox');
        out.push(...queued);
        ctx.effects.eventsChanged.add(item.eventId);
      });
      return inboxView(state, item);
    },
    async 'inbox.dismiss'(a) {
      const item = findItem(core, a.id);
      await core.change((ctx) => {
        if (item.status === 'open') item.status = 'dismissed';
        state.touch('inbox');
        ctx.effects.eventsChanged.add(item.eventId);
      });
      return inboxView(state, item);
    },
    async 'templates.get'(a) {
      const texts = core.replyTexts();
      return texts.in(a.language ?? texts.defaultLanguage);
    },
    async 'templates.set'(a) {
      const lang = a.language ?? core.replyTexts().defaultLanguage;
      // English texts live in the older `templates` file; other languages beside the Page's language.
      let target: Partial<Record<TemplateKey, string>>;
      if (lang === 'en') target = state.templates;
      else {
        const texts = (state.replyTexts.texts ??= {});
        target = texts[lang] ??= {};
      }
      for (const k of TEMPLATE_KEYS) {
        const v = a.templates[k];
        if (v !== undefined) target[k] = v;
      }
      state.touch(lang === 'en' ? 'templates' : 'replyTexts');
      await state.flush();
      return core.replyTexts().in(lang);
    },
    async 'templates.languages'() {
      return core.replyTexts().view();
    },
    async 'templates.setDefaultLanguage'(a) {
      state.replyTexts.defaultLanguage = a.language;
      state.touch('replyTexts');
      await state.flush();
      return core.replyTexts().view();
    },
  };
}
