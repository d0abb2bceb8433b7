import { RecordJson } from '../../store/record-json';
import type { Collection, Store } from '../../store/store';
import { COLLECTION_NAMES, type CollectionName, type CollectionShapes, type CommentRecord, type EventRecord, type SignupRecord, type VolunteerRecord } from './records';

type Collections = { [K in CollectionName]: Collection<CollectionShapes[K]> };

/** The large files, serialised record by record: a batch re-serialises only what it changed. */
const BY_RECORD = ['comments', 'volunteers', 'signups', 'inbox'] as const;
type ByRecordName = (typeof BY_RECORD)[number];

function addTo<K, V>(m: Map<K, Set<V>>, k: K, v: V): void {
  let s = m.get(k);
  if (!s) {
    s = new Set();
    m.set(k, s);
  }
  s.add(v);
}

/** Lower-case, accents removed: the form names and emails are compared in. */
export function fold(s: string): string {
  return s.normalize('NFKD').replace(/\p{M}/gu, '').toLowerCase();
}

/**
 * The pipeline's records in memory, with the indexes a roster of 100,000 needs (by Facebook id,
 * PSID, email, event, volunteer), over the lowdb files that are the store of record. Changes
 * are made in memory through the `put*` methods and marked dirty; `flush()` writes each dirty
 * file once, so a batch of any size costs one write per file it touched.
 */
export class PipelineState {
  readonly eventByPostId = new Map<string, string>();
  readonly volunteerByFacebookId = new Map<string, string>();
  readonly volunteerByPsid = new Map<string, string>();
  readonly volunteerByEmail = new Map<string, string>();
  readonly signupsByEvent = new Map<string, Set<string>>();
  readonly signupsByVolunteer = new Map<string, Set<string>>();
  readonly commentsByEvent = new Map<string, Set<string>>();
  /** Comments held for the coordinator (action `needs_review`), by event; kept in step by syncReview. */
  readonly reviewByEvent = new Map<string, Set<string>>();
  readonly broadcastByKey = new Map<string, string>();
  /** Folded names, kept beside the records so a search never re-folds 100,000 names. */
  readonly foldedName = new Map<string, string>();
  private readonly dirty = new Set<CollectionName>();
  private readonly inflight = new Map<CollectionName, Promise<void>>();
  /** People counted per slot (event → slot → party sizes added up), kept in step by putSignup. */
  private readonly takenCount = new Map<string, Map<string, number>>();
  /** What each signed-up signup adds to takenCount, as last put (records change in place). */
  private readonly counted = new Map<string, { eventId: string; slotId: string; party: number }>();
  private readonly indexedKeys = new Map<string, { facebookId: string | null; psid: string | null; email: string | null; aliases: string[] }>();

  private constructor(
    readonly files: Collections,
    private readonly recordJson: Map<CollectionName, RecordJson>,
  ) {
    for (const v of Object.values(this.volunteers)) this.indexVolunteer(v);
    for (const e of Object.values(this.events)) if (e.postId) this.eventByPostId.set(e.postId, e.id);
    for (const s of Object.values(this.signups)) this.indexSignup(s);
    for (const c of Object.values(this.comments)) {
      if (c.eventId) addTo(this.commentsByEvent, c.eventId, c.id);
      this.syncReview(c);
    }
    for (const b of Object.values(this.broadcasts)) this.broadcastByKey.set(b.idempotencyKey, b.id);
  }

  /** Opens every pipeline collection of the store and builds the indexes. */
  static async open(store: Store): Promise<PipelineState> {
    const recordJson = new Map<CollectionName, RecordJson>(BY_RECORD.map((n) => [n, new RecordJson()]));
    const entries = await Promise.all(COLLECTION_NAMES.map(async (n) => [n, await store.collection(n, () => ({}), recordJson.get(n), true)] as const));
    return new PipelineState(Object.fromEntries(entries) as unknown as Collections, recordJson);
  }

  get events(): CollectionShapes['events'] {
    return this.files.events.data;
  }
  get comments(): CollectionShapes['comments'] {
    return this.files.comments.data;
  }
  get volunteers(): CollectionShapes['volunteers'] {
    return this.files.volunteers.data;
  }
  get signups(): CollectionShapes['signups'] {
    return this.files.signups.data;
  }
  get inbox(): CollectionShapes['inbox'] {
    return this.files.inbox.data;
  }
  get broadcasts(): CollectionShapes['broadcasts'] {
    return this.files.broadcasts.data;
  }
  get templates(): CollectionShapes['templates'] {
    return this.files.templates.data;
  }
  get replyTexts(): CollectionShapes['replyTexts'] {
    return this.files.replyTexts.data;
  }

  /** Marks a whole file changed (any of its records may have been changed in place). */
  touch(name: CollectionName): void {
    this.dirty.add(name);
    this.recordJson.get(name)?.markAll();
  }

  /** Marks one record of a file changed (put, changed in place, or deleted). */
  touchRecord(name: ByRecordName, id: string): void {
    this.dirty.add(name);
    this.recordJson.get(name)!.mark(id);
  }

  /**
   * Writes every file changed since the last flush (one write each), and waits until they are on
   * disk, together with any write another caller started: a change marked dirty before this call
   * may be in a write that caller took, and "flushed" must mean durable for both.
   */
  async flush(): Promise<CollectionName[]> {
    const names = [...this.dirty];
    this.dirty.clear();
    for (const n of names) {
      const p = this.files[n].write();
      this.inflight.set(n, p);
      void p.finally(() => {
        if (this.inflight.get(n) === p) this.inflight.delete(n);
      }).catch(() => undefined);
    }
    try {
      await Promise.all([...this.inflight.values()]);
    } catch (err) {
      // Not on disk: stays dirty so the retry (the recorder retries its batch) writes it again.
      for (const n of names) this.dirty.add(n);
      throw err;
    }
    return names;
  }

  putEvent(e: EventRecord): void {
    this.events[e.id] = e;
    if (e.postId) this.eventByPostId.set(e.postId, e.id);
    this.touch('events');
  }

  deleteEvent(id: string): void {
    const e = this.events[id];
    if (!e) return;
    if (e.postId) this.eventByPostId.delete(e.postId);
    delete this.events[id];
    for (const sid of this.signupsByEvent.get(id) ?? []) {
      const s = this.signups[sid];
      if (s) this.signupsByVolunteer.get(s.volunteerId)?.delete(sid);
      this.counted.delete(sid);
      delete this.signups[sid];
      this.touchRecord('signups', sid);
    }
    this.signupsByEvent.delete(id);
    this.takenCount.delete(id);
    for (const [iid, item] of Object.entries(this.inbox)) if (item.eventId === id) delete this.inbox[iid];
    this.touch('events');
    this.touch('inbox');
  }

  putComment(c: CommentRecord): void {
    this.comments[c.id] = c;
    if (c.eventId) addTo(this.commentsByEvent, c.eventId, c.id);
    this.syncReview(c);
    this.touchRecord('comments', c.id);
  }

  /** Call after a comment's action changed in place: keeps the "Needs a look" index right. */
  syncReview(c: CommentRecord): void {
    if (!c.eventId) return;
    if (c.action === 'needs_review') addTo(this.reviewByEvent, c.eventId, c.id);
    else this.reviewByEvent.get(c.eventId)?.delete(c.id);
  }

  /** Removes a comment record (a person's erasure); its event index follows. */
  deleteComment(id: string): void {
    const c = this.comments[id];
    if (!c) return;
    if (c.eventId) this.commentsByEvent.get(c.eventId)?.delete(id);
    if (c.eventId) this.reviewByEvent.get(c.eventId)?.delete(id);
    delete this.comments[id];
    this.touchRecord('comments', id);
  }

  deleteInboxItem(id: string): void {
    if (!this.inbox[id]) return;
    delete this.inbox[id];
    this.touchRecord('inbox', id);
  }

  putVolunteer(v: VolunteerRecord): void {
    this.unindexVolunteer(v);
    this.volunteers[v.id] = v;
    this.indexVolunteer(v);
    this.touchRecord('volunteers', v.id);
  }

  /** Call after changing a volunteer's name, email, PSID or Facebook id in place. */
  reindexVolunteer(v: VolunteerRecord): void {
    this.unindexVolunteer(v);
    this.indexVolunteer(v);
    this.touchRecord('volunteers', v.id);
  }

  deleteVolunteer(id: string): void {
    const v = this.volunteers[id];
    if (!v) return;
    this.unindexVolunteer(v);
    delete this.volunteers[id];
    this.touchRecord('volunteers', id);
  }

  /** People counted against a slot's capacity: party sizes of its signed-up signups. */
  taken(eventId: string, slotId: string): number {
    return this.takenCount.get(eventId)?.get(slotId) ?? 0;
  }

  private count(c: { eventId: string; slotId: string; party: number }, sign: 1 | -1): void {
    let perSlot = this.takenCount.get(c.eventId);
    if (!perSlot) {
      perSlot = new Map();
      this.takenCount.set(c.eventId, perSlot);
    }
    perSlot.set(c.slotId, (perSlot.get(c.slotId) ?? 0) + sign * c.party);
  }

  /** Every change to a signup goes through here (after changing it in place), so counts stay right. */
  putSignup(s: SignupRecord): void {
    const old = this.signups[s.id];
    if (old && old.volunteerId !== s.volunteerId) this.signupsByVolunteer.get(old.volunteerId)?.delete(s.id);
    this.signups[s.id] = s;
    this.indexSignup(s);
    this.touchRecord('signups', s.id);
  }

  /** Removes a signup record; a signed-up one stops counting against its slot (promote afterwards to fill the place). */
  deleteSignup(id: string): void {
    const s = this.signups[id];
    if (!s) return;
    const before = this.counted.get(id);
    if (before) this.count(before, -1);
    this.counted.delete(id);
    this.signupsByEvent.get(s.eventId)?.delete(id);
    this.signupsByVolunteer.get(s.volunteerId)?.delete(id);
    delete this.signups[id];
    this.touchRecord('signups', id);
  }

  signupsOfEvent(eventId: string): SignupRecord[] {
    const out: SignupRecord[] = [];
    for (const id of this.signupsByEvent.get(eventId) ?? []) {
      const s = this.signups[id];
      if (s) out.push(s);
    }
    return out;
  }

  signupsOfVolunteer(volunteerId: string): SignupRecord[] {
    const out: SignupRecord[] = [];
    for (const id of this.signupsByVolunteer.get(volunteerId) ?? []) {
      const s = this.signups[id];
      if (s) out.push(s);
    }
    return out;
  }

  private indexSignup(s: SignupRecord): void {
    addTo(this.signupsByEvent, s.eventId, s.id);
    addTo(this.signupsByVolunteer, s.volunteerId, s.id);
    const before = this.counted.get(s.id);
    if (before) this.count(before, -1);
    if (s.status === 'signed_up') {
      const now = { eventId: s.eventId, slotId: s.slotId, party: s.partySize };
      this.count(now, 1);
      this.counted.set(s.id, now);
    } else this.counted.delete(s.id);
  }

  private indexVolunteer(v: VolunteerRecord): void {
    const k = { facebookId: v.facebookId, psid: v.psid, email: v.email?.toLowerCase() ?? null, aliases: [...(v.aliasFacebookIds ?? [])] };
    if (k.facebookId) this.volunteerByFacebookId.set(k.facebookId, v.id);
    for (const alias of v.aliasFacebookIds ?? []) this.volunteerByFacebookId.set(alias, v.id);
    if (k.psid) this.volunteerByPsid.set(k.psid, v.id);
    if (k.email) this.volunteerByEmail.set(k.email, v.id);
    this.indexedKeys.set(v.id, k);
    this.foldedName.set(v.id, fold(v.name));
  }

  /** Removes the index entries made from the record as it was when last indexed (it may have changed in place since). */
  private unindexVolunteer(v: VolunteerRecord): void {
    const k = this.indexedKeys.get(v.id);
    if (k) {
      if (k.facebookId && this.volunteerByFacebookId.get(k.facebookId) === v.id) this.volunteerByFacebookId.delete(k.facebookId);
      if (k.psid && this.volunteerByPsid.get(k.psid) === v.id) this.volunteerByPsid.delete(k.psid);
      if (k.email && this.volunteerByEmail.get(k.email) === v.id) this.volunteerByEmail.delete(k.email);
      for (const alias of k.aliases) if (this.volunteerByFacebookId.get(alias) === v.id) this.volunteerByFacebookId.delete(alias);
    }
    this.indexedKeys.delete(v.id);
    this.foldedName.delete(v.id);
  }
}
