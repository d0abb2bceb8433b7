import type { Redis } from 'ioredis';
import type { GraphApi, OutgoingMessage } from '../../facebook/graph-types';
import type { Keys } from '../../keys';

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
 * template (with the text as its one parameter) outside it. Returns which one was used.
 */
export async function sendToPerson(
  deps: { graph: GraphApi; redis: Redis; keys: Keys; now: number; template: UtilityTemplateSetting },
  psid: string,
  message: OutgoingMessage,
): Promise<'messenger' | 'template'> {
  if (await insideWindow(deps.redis, deps.keys, psid, deps.now)) {
    await deps.graph.sendMessage(psid, message);
    return 'messenger';
  }
  await deps.graph.sendUtilityTemplate(psid, { name: deps.template.name, language: deps.template.language, parameters: [message.text] });
  return 'template';
}
