import type { Redis } from 'ioredis';
import { GraphError, type GraphApi, type OutgoingMessage } from '../../facebook/graph-types';
import type { Keys } from '../../keys';
import { COMMENT_REPLY_MAX, MESSENGER_TEXT_MAX, cutText, fitForMessenger } from '../../facebook/text-limits';

export const MESSENGER_WINDOW_MS = 24 * 3600_000;

/** The approved utility template used for updates outside the 24 h window. */
export interface UtilityTemplateSetting {
  name: string;
  language: string;
}

/** Whether a normal Messenger message is allowed now (the person wrote within 24 h). */
export async function insideWindow(redis: Redis, keys: Keys, psid: string, now: number): Promise<boolean> {
  const last = await redis.hget(keys.psidLastMessage, psid);
  return last !== null && now - Number(last) < MESSENGER_WINDOW_MS;
}

/**
 * A message to a person in Messenger: normal inside the 24 h window, the approved utility
 * template (with the text as its one parameter) outside it; with no template, a public reply
 * under `fallbackCommentId` when given. The text is cut to the limit of the channel used (a
 * longer one would be refused whole). Returns which one was used.
 */
export async function sendToPerson(
  deps: { graph: GraphApi; redis: Redis; keys: Keys; now: number; template: UtilityTemplateSetting },
  psid: string,
  message: OutgoingMessage,
  fallbackCommentId?: string,
): Promise<'messenger' | 'template' | 'comment'> {
  if (await insideWindow(deps.redis, deps.keys, psid, deps.now)) {
    await deps.graph.sendMessage(psid, fitForMessenger(message));
    return 'messenger';
  }
  if (!deps.template.name) {
    if (fallbackCommentId) {
      await deps.graph.replyToComment(fallbackCommentId, cutText(message.text, COMMENT_REPLY_MAX));
      return 'comment';
    }
    throw new GraphError('permanent', 'This person last wrote in Messenger more than 24 hours ago and no approved update template is set up, so Messenger does not allow a message now.');
  }
  await deps.graph.sendUtilityTemplate(psid, { name: deps.template.name, language: deps.template.language, parameters: [cutText(message.text, MESSENGER_TEXT_MAX)] });
  return 'template';
}
