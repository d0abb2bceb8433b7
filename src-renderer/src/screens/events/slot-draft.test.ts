import { describe, expect, it } from 'vitest';
import { slotInput, type Slot } from '../../../../src-main/contract/events';
import { draftsFromSlots, slotArgsFromDrafts, slotProblem } from './slot-draft';

const slot: Slot = {
  id: 'slot_a', title: 'Morning', start: '2026-12-05T09:00:00.000Z', end: '2026-12-05T12:00:00.000Z', capacity: 4,
  description: 'Litter picking on the dunes', taken: 1, waitlisted: 0,
};

describe('slot editor', () => {
  it('keeps a slot description through an edit, and sends it in a shape the contract accepts', () => {
    const drafts = draftsFromSlots([slot, { ...slot, id: 'slot_b', title: 'Afternoon', description: null }]);
    expect(drafts.map((d) => d.description)).toEqual(['Litter picking on the dunes', '']);
    const args = slotArgsFromDrafts(drafts);
    expect(args.map((a) => [a.id, a.description])).toEqual([['slot_a', 'Litter picking on the dunes'], ['slot_b', null]]);
    expect(args[0]).toMatchObject({ start: slot.start, end: slot.end, capacity: 4 });
    for (const a of args) expect(slotInput.safeParse(a).success).toBe(true);
  });

  it('sends a cleared description as null and trims what is typed', () => {
    const [d] = draftsFromSlots([slot]);
    expect(slotArgsFromDrafts([{ ...d!, description: '   ' }])[0]!.description).toBeNull();
    expect(slotArgsFromDrafts([{ ...d!, description: '  Bring gloves ' }])[0]!.description).toBe('Bring gloves');
  });

  it('says what to fix in a slot', () => {
    const [d] = draftsFromSlots([slot]);
    expect(slotProblem(d!)).toBeNull();
    expect(slotProblem({ ...d!, description: 'x'.repeat(1001) })).toMatch(/1,000 characters/);
    expect(slotProblem({ ...d!, capacity: '0' })).toMatch(/at least 1/);
  });
});
