import { describe, expect, it } from 'vitest';
import { signupNotice } from './notifications';

describe('signup notifications', () => {
  it('reads flat fields', () => {
    expect(signupNotice({ volunteerName: 'Maria Lopez', eventTitle: 'Food bank Saturday', slotTitle: '9–12' })).toEqual({
      title: 'New volunteer signup',
      body: 'Maria Lopez signed up for Food bank Saturday · 9–12',
    });
  });

  it('reads nested fields and says when the person is waitlisted', () => {
    expect(signupNotice({ volunteer: { name: 'Sam' }, event: { title: 'Park cleanup' }, status: 'waitlisted' })).toEqual({
      title: 'Added to the waitlist',
      body: 'Sam is on the waitlist for Park cleanup',
    });
  });

  it('says nothing for payloads without a person or an event', () => {
    for (const payload of [null, undefined, 42, 'text', {}, { volunteerName: '  ' }, { volunteerName: 7 }]) {
      expect(signupNotice(payload)).toBeNull();
    }
  });

  it('keeps long or odd fields short', () => {
    const notice = signupNotice({ volunteerName: 'x'.repeat(500), eventTitle: 'E' });
    expect(notice!.body.length).toBeLessThan(160);
  });
});
