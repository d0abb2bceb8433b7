import type { MessageItem, PostbackItem } from '../../streams/entries';
import type { EmailJob, ReplyJob } from '../effects';
import { CODE_PATTERN, EMAIL_PATTERN, type EmailVerification } from '../email/verification';
import { isolate } from '../../bidi';
import { firstNameOf, renderTemplate } from '../replies/templates';
import { CONFIRM_PREFIX, DECLINE_PREFIX, cancelSignup, render, slotOf, varsFor, type SignupContext } from '../signups/signup-engine';
import type { SignupRecord, VolunteerRecord } from '../state/records';
import { signupView } from '../state/views';

const YES = /^\s*(yes|yep|yeah|y|sure|ok|okay|confirm(ed)?|i('| wi)ll be there|👍)\s*[.!]*\s*$/i;
const NO = /^\s*(no|nope|n|can'?t|cannot|not anymore|sorry,? no)\s*[.!]*\s*$/i;

function latestPending(ctx: SignupContext, v: VolunteerRecord): SignupRecord | undefined {
  return ctx.state
    .signupsOfVolunteer(v.id)
    .filter((s) => s.status !== 'cancelled' && s.confirmation === 'pending')
    .sort((a, b) => b.createdAt - a.createdAt)[0];
}

/**
 * A Messenger message or button press: the answer to a signup's Yes/No question, an email
 * address to confirm, or the code that confirms it. Idempotent by message id: a redelivery
 * changes nothing and its answer is sent once.
 */
export async function applyMessage(
  ctx: SignupContext,
  verification: EmailVerification,
  item: MessageItem | PostbackItem,
): Promise<{ replies: ReplyJob[]; emails: EmailJob[] }> {
  const replies: ReplyJob[] = [];
  const emails: EmailJob[] = [];
  const messageId = item.kind === 'message' ? item.messageId : item.postbackId;
  const payload = item.kind === 'postback' ? item.payload : item.quickReply;
  const text = item.kind === 'message' ? item.text : item.title;

  let signup: SignupRecord | undefined;
  if (payload?.startsWith(CONFIRM_PREFIX) || payload?.startsWith(DECLINE_PREFIX)) {
    signup = ctx.state.signups[payload.slice(payload.indexOf(':') + 1)];
  }
  const knownId = ctx.state.volunteerByPsid.get(item.psid);
  let v = knownId ? ctx.state.volunteers[knownId] : undefined;
  if (!v && signup) v = ctx.state.volunteers[signup.volunteerId];
  if (!v) return { replies, emails };
  if (v.psid !== item.psid) {
    v.psid = item.psid;
    ctx.state.reindexVolunteer(v);
  }
  if (v.lastMessageAt === null || item.timestamp > v.lastMessageAt) {
    v.lastMessageAt = item.timestamp;
    ctx.state.touchRecord('volunteers', v.id);
  }
  ctx.effects.lastMessages.set(item.psid, Math.max(ctx.effects.lastMessages.get(item.psid) ?? 0, item.timestamp));

  const say = (body: string): void => {
    replies.push({ kind: 'answer', key: messageId, to: { psid: item.psid }, text: body, volunteerId: v.id });
  };

  let yes = payload?.startsWith(CONFIRM_PREFIX) ?? false;
  let no = payload?.startsWith(DECLINE_PREFIX) ?? false;
  if (!payload && item.kind === 'message') {
    yes = YES.test(text);
    no = NO.test(text);
    if (yes || no) signup = latestPending(ctx, v);
  }
  if ((yes || no) && signup && signup.volunteerId === v.id) {
    const e = ctx.state.events[signup.eventId];
    if (!e) return { replies, emails };
    const vars = varsFor(ctx, e, slotOf(e, signup.slotId), v);
    if (yes) {
      if (signup.status === 'cancelled') {
        say(`Your place for ${e.title} was already given up. Comment on the post again if you'd like to come.`);
        return { replies, emails };
      }
      if (signup.confirmation !== 'confirmed') {
        signup.confirmation = 'confirmed';
        signup.updatedAt = ctx.now;
        ctx.state.putSignup(signup);
        ctx.effects.emit('signup.updated', { signup: signupView(ctx.state, signup) });
      }
      say(signup.status === 'waitlisted'
        ? `Thanks ${isolate(vars.firstName ?? '')}! You're still on the waitlist for ${e.title}; we'll message you as soon as a place opens.`
        : render(ctx, 'confirm.yes', vars, v.language ?? null));
    } else {
      cancelSignup(ctx, signup, 'declined', replies);
      say(render(ctx, 'confirm.no', vars, v.language ?? null));
    }
    return { replies, emails };
  }

  if (item.kind !== 'message') return { replies, emails };
  const code = CODE_PATTERN.exec(text);
  if (code) {
    const r = await verification.check(item.psid, code[1]!, messageId);
    if (r.ok) {
      if (v.email !== r.email) {
        v.email = r.email;
        ctx.state.reindexVolunteer(v);
        ctx.effects.emit('volunteer.updated', { volunteerId: v.id });
      }
      say(renderTemplate(ctx.textsIn(v.language ?? null)['email.saved'], { firstName: firstNameOf(v.name) }));
    } else if (r.reason === 'wrong') say(`That code is not right. You have ${r.attemptsLeft} ${r.attemptsLeft === 1 ? 'try' : 'tries'} left.`);
    else if (r.reason === 'too_many') say('That was too many wrong codes. Send your email address again to get a new code.');
    else if (r.reason === 'expired') say('That code has expired. Send your email address again to get a new code.');
    return { replies, emails };
  }
  const email = EMAIL_PATTERN.exec(text)?.[0];
  if (email) {
    const started = await verification.start(item.psid, email.toLowerCase(), messageId);
    if (started.fresh) {
      emails.push({
        kind: 'code', key: messageId, to: email.toLowerCase(), subject: 'Your confirmation code',
        text: renderTemplate(ctx.textsIn(v.language ?? null)['email.code'], { code: started.code, firstName: firstNameOf(v.name) }),
      });
    }
    say(`Thanks! We sent a 6-digit code to ${email.toLowerCase()}. Reply here with it to confirm your address.`);
  }
  return { replies, emails };
}
