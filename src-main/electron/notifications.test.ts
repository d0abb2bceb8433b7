import { describe, expect, it } from 'vitest';
import type { SignupEventPayload } from '../contract/events';
import { signupNotice } from './notifications';

const signup = (over: Partial<SignupEventPayload> = {}): SignupEventPayload => ({
  signupId: 's1',
  volunteerId: 'v1',
  volunteerName: 'Maria Lopez',
  eventId: 'e1',
  eventTitle: 'Food bank Saturday',
  slotId: 'sl1',
  slotTitle: '9–12',
  partySize: 1,
  returning: false,
  waitlisted: false,
  source: 'comment',
  ...over,
});

describe('signup notifications', () => {
  it('names the person, the event and the slot', () => {
    expect(signupNotice(signup())).toEqual({ title: 'New volunteer signup', body: 'Maria Lopez signed up for Food bank Saturday · 9–12' });
  });

  it('says when the person returns, brings friends, or is waitlisted', () => {
    expect(signupNotice(signup({ returning: true, partySize: 3 }))).toEqual({
      title: 'A returning volunteer signed up',
      body: 'Maria Lopez (+2) signed up for Food bank Saturday · 9–12',
    });
    expect(signupNotice(signup({ waitlisted: true }))).toEqual({ title: 'Added to the waitlist', body: 'Maria Lopez is on the waitlist for Food bank Saturday · 9–12' });
  });

  it('stays quiet for signups the coordinator made', () => {
    expect(signupNotice(signup({ source: 'coordinator' }))).toBeNull();
  });

  it('copes with fields missing or odd after the trip through Redis', () => {
    const odd = { volunteerName: '  ', eventTitle: 7, slotTitle: null, partySize: 'two' } as unknown as SignupEventPayload;
    expect(signupNotice(odd)).toEqual({ title: 'New volunteer signup', body: 'Someone signed up for an event' });
    expect(signupNotice(null as unknown as SignupEventPayload)).toBeNull();
    expect(signupNotice(signup({ volunteerName: 'x'.repeat(500) }))!.body.length).toBeLessThan(200);
  });
});
