import { createHash } from 'node:crypto';
import { FIRST_NAMES, LAST_NAMES } from './comment-pool';

/** A simulated Facebook user: an app-scoped id for comments, a page-scoped id for Messenger. */
export interface SimPerson {
  id: string;
  psid: string;
  name: string;
}

import { seededRandom } from '../engine/model/training/random';

/** The same seeded generator the model's training uses, so a seed replays the same demo or test. */
export { seededRandom };

export interface SimWorld {
  people: readonly SimPerson[];
  random: () => number;
  pick<T>(items: readonly T[]): T;
  /** Remembers who wrote a comment, so a private reply to it answers with their PSID. */
  recordComment(commentId: string, person: SimPerson | null): void;
  psidForComment(commentId: string): string;
  personByPsid(psid: string): SimPerson | null;
}

/** People with stable ids and names, and the record of who commented what. */
export function createWorld(seed: number, count = 40): SimWorld {
  const random = seededRandom(seed);
  const pick = <T>(items: readonly T[]): T => items[Math.floor(random() * items.length)] as T;
  const people: SimPerson[] = [];
  for (let i = 0; i < count; i += 1) {
    people.push({ id: String(10_000_000_000_000 + seed * 1000 + i), psid: String(2_400_000_000_000_000 + seed * 1000 + i), name: `${pick(FIRST_NAMES)} ${pick(LAST_NAMES)}` });
  }
  const byComment = new Map<string, SimPerson | null>();
  const byPsid = new Map(people.map((p) => [p.psid, p]));
  return {
    people,
    random,
    pick,
    recordComment: (commentId, person) => void byComment.set(commentId, person),
    psidForComment(commentId) {
      const known = byComment.get(commentId);
      if (known) return known.psid;
      // Unknown comments still get a stable PSID, as Meta would give.
      const n = BigInt(`0x${createHash('sha256').update(commentId).digest('hex').slice(0, 12)}`);
      return String(3_000_000_000_000_000n + n);
    },
    personByPsid: (psid) => byPsid.get(psid) ?? null,
  };
}
