import { mkdtemp, readFile, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { memoryLogger } from '../../log';
import { Store } from '../../store/store';
import { PipelineState } from './pipeline-state';
import type { SignupRecord, VolunteerRecord } from './records';

const volunteer = (id: string, extra: Partial<VolunteerRecord> = {}): VolunteerRecord => ({
  id, name: `Name ${id}`, facebookId: id, psid: null, email: null, tags: [], notes: '', firstSeen: 1, lastSeen: 1, lastMessageAt: null, source: 'facebook', mergedIds: [], ...extra,
});
const signup = (id: string, slotId: string, status: SignupRecord['status'], partySize = 1): SignupRecord => ({
  id, eventId: 'e1', slotId, volunteerId: 'v', partySize, status, queuedAt: 1, confirmation: 'pending', attended: null, source: 'comment', commentId: null, promotions: 0, createdAt: 1, updatedAt: 1,
});

describe('pipeline state', () => {
  let dir: string;
  beforeEach(async () => {
    dir = await mkdtemp(path.join(os.tmpdir(), 'vt-state-'));
  });
  afterEach(() => rm(dir, { recursive: true, force: true }));

  it('returns from flush only once a change is on disk, even when another flush took it', async () => {
    const state = await PipelineState.open(new Store(dir, memoryLogger()));
    state.putVolunteer(volunteer('a'));
    const other = state.flush();
    const mine = state.flush();
    await mine;
    const onDisk = JSON.parse(await readFile(path.join(dir, 'volunteers.json'), 'utf8')) as Record<string, unknown>;
    expect(Object.keys(onDisk)).toEqual(['a']);
    await other;
  });

  it('keeps slot counts and indexes in step with changes made in place', async () => {
    const state = await PipelineState.open(new Store(dir, memoryLogger()));
    const s1 = signup('s1', 'x', 'signed_up', 3);
    const s2 = signup('s2', 'x', 'waitlisted');
    state.putSignup(s1);
    state.putSignup(s2);
    expect(state.taken('e1', 'x')).toBe(3);
    s1.status = 'cancelled';
    state.putSignup(s1);
    s2.status = 'signed_up';
    s2.slotId = 'y';
    state.putSignup(s2);
    expect([state.taken('e1', 'x'), state.taken('e1', 'y')]).toEqual([0, 1]);

    const v = volunteer('b', { email: 'B@Example.test' });
    state.putVolunteer(v);
    expect(state.volunteerByEmail.get('b@example.test')).toBe('b');
    v.email = 'new@example.test';
    v.psid = 'p1';
    state.reindexVolunteer(v);
    expect([state.volunteerByEmail.has('b@example.test'), state.volunteerByEmail.get('new@example.test'), state.volunteerByPsid.get('p1')]).toEqual([false, 'b', 'b']);
    await state.flush();
    // Indexes and counts come back the same from the files.
    const again = await PipelineState.open(new Store(dir, memoryLogger()));
    expect([again.taken('e1', 'y'), again.volunteerByPsid.get('p1'), again.volunteerByFacebookId.get('b')]).toEqual([1, 'b', 'b']);
  });
});
