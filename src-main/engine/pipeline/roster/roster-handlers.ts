import { Buffer } from 'node:buffer';
import { RpcError } from '../../../contract/errors';
import { rosterFileProblem } from '../../../contract/volunteers';
import type { Handlers } from '../../module';
import type { PipelineCore } from '../core';
import type { VolunteerRecord } from '../state/records';
import { volunteerDetail, volunteerView } from '../state/views';
import { decodeRosterFile } from './csv-decode';
import { slicer } from '../../store/slicer';
import { planImport } from './csv-import';
import { safeCsv } from './csv-safe';
import { eraseVolunteer, personKeys, type PersonKeys } from './erase';
import { eraseFromRedis, type RedisEraseDeps } from './erase-redis';
import { mergeVolunteers } from './merge';
import { searchVolunteers } from './search';

type RosterHandlers = Pick<
  Handlers,
  'volunteers.search' | 'volunteers.get' | 'volunteers.update' | 'volunteers.merge' | 'volunteers.delete' | 'volunteers.importCsv' | 'volunteers.exportCsv'
>;

/** What other parts hold about a person (the activity feed, the model's corrections), erased on request. */
export type EraseElsewhere = (person: PersonKeys) => Promise<{ activities: number; corrections: number }>;

export interface EraseDeps extends RedisEraseDeps {
  elsewhere?: EraseElsewhere;
}

function findVolunteer(core: PipelineCore, id: string): VolunteerRecord {
  const v = core.state.volunteers[id];
  if (!v) throw new RpcError('not_found', `There is no volunteer with id ${id}; they may have been merged into another or deleted. Search again.`);
  return v;
}

/**
 * A roster file sent as base64, checked against the one size limit the UI and the contract
 * state. Checked and decoded a megabyte at a time (a multiple of 4 characters, so each piece
 * decodes on its own), giving the loop back between: in one go the two took ~70 ms.
 */
async function rosterBytes(base64: string): Promise<Buffer> {
  const STEP = 1 << 20;
  const turn = slicer();
  const parts: Buffer[] = [];
  for (let at = 0; at < base64.length; at += STEP) {
    const piece = base64.slice(at, at + STEP);
    const last = at + STEP >= base64.length;
    // Padding may only end the whole text; Buffer.from would skip anything else without a word.
    if (!(last ? /^[A-Za-z0-9+/]*={0,2}$/ : /^[A-Za-z0-9+/]*$/).test(piece)) throw new RpcError('bad_arguments', 'The file could not be read: "file" must be base64.');
    parts.push(Buffer.from(piece, 'base64'));
    await turn();
  }
  const bytes = Buffer.concat(parts);
  const problem = rosterFileProblem('The file', bytes.length);
  if (problem) throw new RpcError('bad_arguments', problem);
  return bytes;
}

/** volunteers.*: the roster. */
export function rosterHandlers(core: PipelineCore, erase: EraseDeps): RosterHandlers {
  const { state } = core;
  /** Everything outside the pipeline's files; each step is idempotent. */
  const eraseOutside = async (person: PersonKeys) => {
    const [redis, other] = await Promise.all([eraseFromRedis(erase, person), erase.elsewhere ? erase.elsewhere(person) : { activities: 0, corrections: 0 }]);
    return { ...redis, ...other };
  };
  return {
    async 'volunteers.search'(a) {
      const all = searchVolunteers(state, a, core.now());
      return { total: all.length, items: all.slice(a.offset, a.offset + a.limit).map((v) => volunteerView(state, v)) };
    },
    async 'volunteers.get'(a) {
      return volunteerDetail(state, findVolunteer(core, a.id));
    },
    async 'volunteers.update'(a) {
      const v = findVolunteer(core, a.id);
      if (a.email) {
        const owner = state.volunteerByEmail.get(a.email.toLowerCase());
        if (owner && owner !== v.id) throw new RpcError('conflict', `${state.volunteers[owner]?.name ?? 'Another volunteer'} already has this email. Merge the two if they are the same person.`);
      }
      if (a.name !== undefined) v.name = a.name;
      if (a.notes !== undefined) v.notes = a.notes;
      if (a.tags !== undefined) v.tags = [...new Set(a.tags)];
      if (a.email !== undefined) v.email = a.email === null ? null : a.email.toLowerCase();
      state.reindexVolunteer(v);
      await core.change((ctx) => ctx.effects.emit('volunteer.updated', { volunteerId: v.id }));
      return volunteerDetail(state, v);
    },
    async 'volunteers.merge'(a) {
      const keep = findVolunteer(core, a.keepId);
      const ids = [...new Set(a.mergeIds)].filter((id) => id !== keep.id);
      if (ids.length === 0) throw new RpcError('bad_arguments', 'Choose at least one other volunteer to merge into this one.');
      const dups = ids.map((id) => findVolunteer(core, id));
      await core.change((ctx, replies) => {
        mergeVolunteers(ctx, keep, dups, replies);
        ctx.effects.emit('volunteer.updated', { volunteerId: keep.id });
      });
      return volunteerDetail(state, keep);
    },
    async 'volunteers.delete'(a) {
      const v = findVolunteer(core, a.id);
      const person = personKeys(state, v);
      const name = v.name;
      // Outside the files first: if this is interrupted the person is still on the roster, and
      // deleting them again finishes the job (every step finds less to do the second time).
      const first = await eraseOutside(person);
      if (state.volunteers[v.id] !== v) throw new RpcError('not_found', `There is no volunteer with id ${a.id}; they were just deleted or merged.`);
      const records = await core.change((ctx, replies) => eraseVolunteer(ctx, v, person, replies));
      // Again, for anything a batch recorded just before the change queued for them meanwhile.
      const late = await eraseOutside(person).catch((err: unknown) => {
        core.dispatch.log.warn('a deleted volunteer may have left queued work behind', { err: err instanceof Error ? err.message : String(err) });
        return { queuedMessages: 0, activities: 0, corrections: 0 };
      });
      // No name or id in the log: it is kept too.
      core.dispatch.log.info('a volunteer was deleted on request', { ...records });
      return {
        volunteerId: v.id,
        name,
        removed: {
          volunteers: records.volunteers,
          signups: records.signups,
          comments: records.comments,
          questions: records.questions,
          deliveries: records.deliveries,
          activities: first.activities + late.activities,
          corrections: first.corrections + late.corrections,
          queuedMessages: first.queuedMessages + late.queuedMessages,
        },
        promoted: records.promoted,
      };
    },
    async 'volunteers.importCsv'(a) {
      const file = a.file !== undefined ? await decodeRosterFile(await rosterBytes(a.file)) : { text: a.csv ?? '', encoding: null };
      const plan = await planImport(state, file, a.dryRun, core.now());
      if (a.dryRun) return plan.result;
      const done = await plan.apply();
      await state.flush();
      return { ...plan.result, ...done };
    },
    async 'volunteers.exportCsv'(a) {
      const rows = searchVolunteers(state, a, core.now()).map((v) => {
        const view = volunteerView(state, v);
        return {
          Name: v.name, Email: v.email ?? '', 'Facebook id': v.facebookId ?? '', Tags: v.tags.join('; '),
          Notes: v.notes, 'First seen': view.firstSeen, 'Last seen': view.lastSeen, 'Events signed up': view.eventsSignedUp, 'Events attended': view.eventsAttended,
        };
      });
      const columns = ['Name', 'Email', 'Facebook id', 'Tags', 'Notes', 'First seen', 'Last seen', 'Events signed up', 'Events attended'];
      return { filename: 'volunteers.csv', csv: safeCsv(columns, rows) };
    },
  };
}
