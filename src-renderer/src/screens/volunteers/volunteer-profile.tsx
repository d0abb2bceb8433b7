import type { VolunteerDetail } from '@contract/volunteers';
import { useCallback, useEffect, useState } from 'react';
import { toApiError } from '../../bridge';
import { Card } from '../../components/card';
import { ConfirmDialog } from '../../components/confirm-dialog';
import { EmptyState, ErrorAlert } from '../../components/feedback';
import { UserText } from '../../components/user-text';
import { isolate } from '../../lib/bidi';
import { formatWhen } from '../../lib/format';
import { href, navigate } from '../../lib/router';
import { useAction } from '../../lib/use-action';
import { useStores } from '../../stores/stores';
import { FeedList, FollowToggle, useFeedStore } from '../feed/feed-list';

/** One person: what they did with us, and the coordinator's notes and tags. */
export function VolunteerProfile(props: { id: string }) {
  const { bridge, volunteers, system } = useStores();
  const [v, setV] = useState<VolunteerDetail | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [notes, setNotes] = useState('');
  const [tags, setTags] = useState('');
  const feed = useFeedStore();
  const load = useCallback(async () => {
    try {
      const got = await bridge.api.invoke('volunteers.get', { id: props.id });
      setV(got);
      setNotes(got.notes);
      setTags(got.tags.join(', '));
      setError(null);
    } catch (err) {
      setError(toApiError(err).message);
    }
  }, [bridge, props.id]);
  useEffect(() => {
    void load();
  }, [load]);
  const save = useAction(async () => {
    const got = await bridge.api.invoke('volunteers.update', {
      id: props.id,
      notes,
      tags: tags
        .split(',')
        .map((t) => t.trim())
        .filter(Boolean),
    });
    setV(got);
    void volunteers.getState().search();
  });

  const [confirming, setConfirming] = useState(false);
  const [backups, setBackups] = useState<{ count: number; retentionDays: number } | null>(null);
  const openDelete = () => {
    setConfirming(true);
    // What the dialog says about backups is read when it opens; it still opens if this fails.
    bridge.api
      .invoke('data.backups', {})
      .then((b) => setBackups({ count: b.backups.length, retentionDays: b.retentionDays }))
      .catch(() => setBackups(null));
  };
  const closeDelete = useCallback(() => setConfirming(false), []);
  const remove = useAction(async () => {
    const r = await bridge.api.invoke('volunteers.delete', { id: props.id });
    setConfirming(false);
    const moved = r.promoted > 0 ? ` ${r.promoted} ${r.promoted === 1 ? 'person' : 'people'} moved up from a waitlist.` : '';
    system.getState().notify('info', `${isolate(r.name)} was deleted.${moved}`);
    void volunteers.getState().search();
    navigate('volunteers');
  });

  if (error && !v) return <ErrorAlert title="This volunteer could not be loaded" error={error} onRetry={() => void load()} />;
  if (!v) return <EmptyState title="Loading…" compact />;
  return (
    <div className="stack" data-testid="volunteer-profile">
      <Card
        title={
          <span className="row">
            <UserText text={v.name} />
            {v.returning ? <span className="badge returning">returning</span> : <span className="badge new">first time</span>}
          </span>
        }
        hint={`First seen ${formatWhen(v.firstSeen)} · last seen ${formatWhen(v.lastSeen)}`}
        actions={<FollowToggle store={feed} target={`volunteer:${v.id}`} label={v.name} />}
      >
        <dl className="kv">
          <dt>Events</dt>
          <dd>
            {v.eventsSignedUp} signed up · {v.eventsAttended} attended
          </dd>
          <dt>Email</dt>
          <dd className="user-text">{v.email ?? 'Not given'}</dd>
          <dt>Messenger</dt>
          <dd>{v.psid ? (v.lastMessageAt ? `Last message ${formatWhen(v.lastMessageAt)}` : 'Reachable') : 'Not yet'}</dd>
          <dt>Came from</dt>
          <dd>{v.source === 'facebook' ? 'A Facebook comment' : v.source === 'import' ? 'An imported sheet' : 'Added by you'}</dd>
        </dl>
      </Card>
      <Card title="Activity" hint="What they did, grouped by day" flush>
        <FeedList
          store={feed}
          feed={`volunteer:${v.id}`}
          canRemove
          label={`Activity of ${v.name}`}
          empty="No activity yet"
          hint="Their comments, signups, withdrawals and attendance appear here as they happen."
        />
      </Card>
      <Card title="Notes and tags">
        <form
          className="stack"
          onSubmit={(e) => {
            e.preventDefault();
            void save.run();
          }}
        >
          <label className="field">
            <span className="label">Notes</span>
            <textarea className="textarea" value={notes} maxLength={5000} onChange={(e) => setNotes(e.target.value)} />
          </label>
          {v.notes && (
            <div className="post-preview small" data-testid="volunteer-notes">
              <UserText text={v.notes} />
            </div>
          )}
          <label className="field">
            <span className="label">Tags</span>
            <input className="input" value={tags} placeholder="e.g. driver, first aid" onChange={(e) => setTags(e.target.value)} />
            <span className="hint">Separate tags with commas.</span>
          </label>
          {save.error && <ErrorAlert title="Not saved" error={save.error} />}
          <div className="row">
            <button type="submit" className="btn primary" disabled={save.pending}>
              {save.pending ? 'Saving…' : 'Save'}
            </button>
            {save.done && <span className="muted">Saved.</span>}
          </div>
        </form>
      </Card>
      <Card title="History" flush>
        {v.history.length === 0 ? (
          <EmptyState title="No signups yet" compact />
        ) : (
          <ul className="list">
            {v.history.map((h, i) => (
              <li key={i} className="list-item-head">
                <span>
                  <a href={href('events', h.eventId)} className="user-text">
                    {h.eventTitle}
                  </a>{' '}
                  <span className="muted">· {h.slotTitle}</span>
                </span>
                <span className="row">
                  <span className={`badge ${h.status === 'cancelled' ? 'bad' : h.status === 'waitlisted' ? 'waitlist' : 'ok'}`}>{h.status.replace('_', ' ')}</span>
                  {h.attended && <span className="badge ok">came</span>}
                  <span className="time">{formatWhen(h.at)}</span>
                </span>
              </li>
            ))}
          </ul>
        )}
      </Card>
      <Card title="Privacy">
        <div className="row between">
          <span className="muted">When someone asks to be forgotten, delete them and everything Voluntree keeps about them.</span>
          <button type="button" className="btn danger" onClick={openDelete}>
            Delete this person…
          </button>
        </div>
      </Card>
      {confirming && (
        <ConfirmDialog
          title={
            <>
              Delete <bdi>{v.name}</bdi>?
            </>
          }
          confirmLabel={
            <>
              Delete <bdi>{v.name}</bdi>
            </>
          }
          pendingLabel="Deleting…"
          pending={remove.pending}
          onConfirm={() => void remove.run()}
          onCancel={closeDelete}
        >
          <p>This removes from Voluntree, for good:</p>
          <ul>
            <li>
              their roster record{v.mergedIds.length > 0 ? ` and the ${v.mergedIds.length} duplicate${v.mergedIds.length === 1 ? '' : 's'} merged into it` : ''}, notes and tags;
            </li>
            <li>
              their {v.history.length} signup{v.history.length === 1 ? '' : 's'}: a place they hold goes to the next person waiting, who is told as after any
              cancellation (they themselves are sent nothing);
            </li>
            <li>their comments, their questions in the inbox and their rows in sent updates;</li>
            <li>their activity in the feed, and your intent corrections on their comments;</li>
            <li>messages to them still waiting to be sent.</li>
          </ul>
          <p>
            <strong>This cannot be undone.</strong>{' '}
            {backups && backups.count > 0
              ? `Your ${backups.count} existing backup${backups.count === 1 ? '' : 's'} still contain${backups.count === 1 ? 's' : ''} them and ${backups.count === 1 ? 'is' : 'are'} not changed; each backup is deleted once it is ${backups.retentionDays} days old.`
              : 'Backups made before now still contain them and are not changed; each is deleted when its retention ends.'}{' '}
            So do exports you made earlier. Their comments stay on Facebook; remove them there if asked.
          </p>
          {remove.error && <ErrorAlert title="Not deleted" error={remove.error} />}
        </ConfirmDialog>
      )}
    </div>
  );
}
