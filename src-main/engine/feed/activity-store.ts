import type { Activity } from '../../contract/feed';
import type { Collection, Store } from '../store/store';

const targetId = (target: string): string => (target.startsWith('volunteer:') ? target.slice('volunteer:'.length) : '');

/**
 * The index key of an id or reference: its verb and the next segment (`signed_up:<signupId>`
 * of `signed_up:<signupId>:<time>`). Ids the recorder chooses read `<verb>:<ref>[:<more>]`, so
 * every id a reference names shares the reference's key, whatever the reference holds after it.
 */
function refKey(idOrRef: string): string {
  const first = idOrRef.indexOf(':');
  const second = first < 0 ? -1 : idOrRef.indexOf(':', first + 1);
  return second < 0 ? idOrRef : idOrRef.slice(0, second);
}

/** An activity as kept in the store of record; deleted ones stay, marked, so nothing revives them. */
export type StoredActivity = Activity & { deletedAt?: number };

/** The latest follow or unfollow of one target by one user (the latest `at` wins). */
export interface FollowRecord {
  user: string;
  target: string;
  at: number;
  follow: boolean;
}

export interface FeedData {
  activities: StoredActivity[];
  follows: FollowRecord[];
}

/**
 * The canonical activity list and follow edges in lowdb (`activities.json`). Redis holds only
 * what can be rebuilt from here. Every change is one file write, however many records it holds.
 */
export class ActivityStore {
  private readonly byId = new Map<string, StoredActivity>();
  /** refKey → ids, so a delete by reference does not read every activity. */
  private readonly byRef = new Map<string, Set<string>>();

  private constructor(private readonly col: Collection<FeedData>) {
    for (const a of col.data.activities) this.index(a);
  }

  private index(a: StoredActivity): void {
    this.byId.set(a.id, a);
    const key = refKey(a.id);
    let ids = this.byRef.get(key);
    if (!ids) this.byRef.set(key, (ids = new Set()));
    ids.add(a.id);
  }

  private unindex(id: string): void {
    this.byId.delete(id);
    const key = refKey(id);
    const ids = this.byRef.get(key);
    ids?.delete(id);
    if (ids?.size === 0) this.byRef.delete(key);
  }

  static async open(store: Store): Promise<ActivityStore> {
    const col = await store.collection<FeedData>('activities', () => ({ activities: [], follows: [] }));
    col.data.activities ??= [];
    col.data.follows ??= [];
    return new ActivityStore(col);
  }

  get(id: string): StoredActivity | undefined {
    return this.byId.get(id);
  }

  get size(): number {
    return this.byId.size;
  }

  /**
   * The activities a reference names: the one whose id is the reference, and every one whose id
   * continues it after a colon (`signed_up:s_1` names `signed_up:s_1:1733230000000`, not
   * `signed_up:s_10:…`), deleted ones included.
   */
  withRef(reference: string): StoredActivity[] {
    const ids = this.byRef.get(refKey(reference)) ?? [];
    const out: StoredActivity[] = [];
    for (const id of ids) if (id === reference || id.startsWith(`${reference}:`)) out.push(this.byId.get(id)!);
    return out;
  }

  all(): readonly StoredActivity[] {
    return this.col.data.activities;
  }

  follows(): readonly FollowRecord[] {
    return this.col.data.follows;
  }

  /** Adds the activities not stored yet (the first version of an id wins); one write at most. */
  async append(activities: readonly Activity[]): Promise<number> {
    const fresh: StoredActivity[] = [];
    for (const a of activities) {
      if (this.byId.has(a.id)) continue;
      const copy: StoredActivity = { ...a, actor: { ...a.actor }, object: { ...a.object } };
      this.index(copy);
      fresh.push(copy);
    }
    if (fresh.length > 0) await this.col.update((d) => d.activities.push(...fresh));
    return fresh.length;
  }

  /** Marks an activity deleted. Returns false when it is unknown. */
  async markDeleted(id: string, at: number): Promise<boolean> {
    const a = this.byId.get(id);
    if (!a) return false;
    await this.markAllDeleted([a], at);
    return true;
  }

  /** Marks stored activities deleted, in one write at most (none when all were already). */
  async markAllDeleted(activities: readonly StoredActivity[], at: number): Promise<void> {
    let changed = false;
    for (const a of activities) {
      if (a.deletedAt !== undefined) continue;
      a.deletedAt = at;
      changed = true;
    }
    if (changed) await this.col.write();
  }

  /**
   * Erases people from the store of record: their activities (deleted ones too) and every
   * follow of `volunteer:<id>` go, with no tombstone left, since an activity id names the
   * comment or signup it came from. One write at most. Returns the ids removed.
   */
  async erase(actorIds: ReadonlySet<string>): Promise<string[]> {
    const removed: string[] = [];
    const kept = this.col.data.activities.filter((a) => {
      if (!actorIds.has(a.actor.id)) return true;
      removed.push(a.id);
      this.unindex(a.id);
      return false;
    });
    const follows = this.col.data.follows.filter((f) => !actorIds.has(targetId(f.target)));
    if (removed.length === 0 && follows.length === this.col.data.follows.length) return [];
    this.col.data.activities = kept;
    this.col.data.follows = follows;
    await this.col.write();
    return removed;
  }

  /** Keeps the latest follow/unfollow of a target (an unfollow wins a tie, as in the gear). */
  async setFollow(rec: FollowRecord): Promise<void> {
    const list = this.col.data.follows;
    const i = list.findIndex((f) => f.user === rec.user && f.target === rec.target);
    const cur = i >= 0 ? list[i] : undefined;
    if (cur && (cur.at > rec.at || (cur.at === rec.at && (cur.follow === rec.follow || !cur.follow)))) return;
    if (i >= 0) list[i] = rec;
    else list.push(rec);
    await this.col.write();
  }
}
