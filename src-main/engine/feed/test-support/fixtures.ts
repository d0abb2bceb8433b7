import type { Activity, FeedVerb } from '../../../contract/feed';

export const DAY = 24 * 3600 * 1000;
export const T0 = Date.UTC(2026, 10, 23, 9, 0, 0);

const NAMES: Record<string, string> = { maria: 'Maria Lopez', sam: 'Sam Lee', ana: 'Ana Diaz', joe: 'Joe Park', coordinator: 'The coordinator' };
const TITLES: Record<string, string> = { beach: 'Beach Cleanup', park: 'Park Planting', food: 'Food Drive' };

/** An activity with readable defaults: `act('a1', 'maria', 'signed_up', 'beach', T0)`. */
export function act(id: string, actor: string, verb: FeedVerb, object: string, time: number, objectType = 'event'): Activity {
  return {
    id,
    actor: { id: actor, name: NAMES[actor] ?? actor },
    verb,
    object: { type: objectType, id: object, title: TITLES[object] ?? object },
    time,
  };
}
