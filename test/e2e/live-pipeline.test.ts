import { describe, expect, it } from 'vitest';
import { screenshot } from './support/browser';
import { appSession } from './support/session';

const session = appSession();

interface Comment {
  id: string;
  action: string | null;
  intent: string | null;
  correctedIntent: string | null;
  authorName: string | null;
  message: string;
}

interface Question {
  id: string;
  question: string;
  suggestedAnswer: string | null;
  status: 'open' | 'answered' | 'dismissed';
  answer: string | null;
}

/** The event the first journey publishes; the inbox journey answers its questions. */
let eventId = '';

describe('the pipeline, seen from the desk (demo mode: the simulator comments)', () => {
  it('shows simulated signups live after publishing, and takes an intent correction', async () => {
    const start = new Date(Date.now() + 5 * 86_400_000);
    const ev = await session.app.rpc<{ id: string }>('events.create', {
      title: 'Community garden planting',
      location: 'Elm Street garden',
      // Facts the inbox can build suggested answers from.
      description: 'Bring gloves and water; lunch is provided. Kids are welcome with an adult.',
      slots: [{ title: 'Morning', start: start.toISOString(), end: new Date(start.getTime() + 3 * 3_600_000).toISOString(), capacity: 4 }],
    });
    eventId = ev.id;
    const { page, errors } = await session.open(`#/events/${ev.id}`);
    await page.getByRole('button', { name: 'Publish now' }).click();
    await expect.poll(() => page.getByTestId('event-status').first().innerText(), { timeout: 30_000 }).toBe('Published');

    await page.getByRole('link', { name: 'Today' }).click();
    await expect.poll(() => page.getByTestId('live-signup').count(), { timeout: 90_000, interval: 500 }).toBeGreaterThan(0);
    expect(await page.getByTestId('live-signups').innerText()).toMatch(/Community garden planting/);
    await screenshot(page, 'today-live');

    await page.goBack();
    await page.getByRole('tab', { name: /Comments/ }).click();
    await expect.poll(() => page.getByTestId('comment-row').count(), { timeout: 30_000 }).toBeGreaterThan(0);
    const comments = await session.app.rpc<Comment[]>('comments.list', { eventId: ev.id });
    const target = comments.find((c) => c.intent !== null && c.intent !== 'question' && c.correctedIntent === null && c.authorName);
    expect(target).toBeDefined();
    const row = page.getByTestId('comment-row').filter({ has: page.locator(`[data-comment="${target!.id}"]`) });
    const corrected = 'question';
    await row.getByRole('combobox').selectOption(corrected);
    await expect.poll(() => row.innerText()).toMatch(/corrected/);
    const after = await session.app.rpc<Comment[]>('comments.list', { eventId: ev.id });
    expect(after.find((c) => c.id === target!.id)?.correctedIntent).toBe(corrected);
    await screenshot(page, 'event-comments');

    // A comment corrected to a question waits in the inbox; answering it clears it.
    await page.getByRole('link', { name: /Inbox/ }).click();
    const item = page.getByTestId('inbox-item').filter({ hasText: target!.message });
    await expect.poll(() => item.count(), { timeout: 30_000 }).toBe(1);
    await item.getByRole('textbox').fill('Yes, see you there!');
    await screenshot(page, 'inbox');
    await item.getByRole('button', { name: 'Send answer' }).click();
    await expect.poll(() => item.count()).toBe(0);
    expect(errors).toEqual([]);
  });

  it('sends a suggested answer unchanged, and dismisses a question', { timeout: 180_000 }, async () => {
    expect(eventId).not.toBe('');
    const list = (status: Question['status']) => session.app.rpc<Question[]>('inbox.list', { eventId, status });
    const corrected = new Set<string>();
    // Questions come from the simulated commenters; when none is open (or none has a suggestion
    // yet), a comment corrected to "question" joins the inbox, one more each round.
    const openQuestion = async (needSuggestion: boolean): Promise<Question | undefined> => {
      const found = (await list('open')).find((q) => !needSuggestion || q.suggestedAnswer !== null);
      if (found) return found;
      const comments = await session.app.rpc<Comment[]>('comments.list', { eventId, limit: 500 });
      // A question the model was unsure of waits in "Needs a look", not in the inbox: those first
      // (the ones asking something), then any other comment.
      const open = comments.filter((c) => c.intent !== null && c.correctedIntent === null && c.authorName && !corrected.has(c.id));
      const next =
        open.find((c) => c.action === 'needs_review' && c.message.includes('?')) ??
        open.find((c) => c.action === 'needs_review') ??
        open.find((c) => c.intent !== 'question');
      if (next) {
        corrected.add(next.id);
        await session.app.rpc('comments.correct', { commentId: next.id, intent: 'question' });
      }
      return undefined;
    };
    let suggested: Question | undefined;
    await expect.poll(async () => (suggested = await openQuestion(true)), { timeout: 120_000, interval: 1000 }).toBeDefined();

    const { page, errors } = await session.open('#/inbox');
    // By id: the simulated people sometimes ask the same thing twice.
    const item = page.locator(`[data-question="${suggested!.id}"]`);
    await expect.poll(() => item.count(), { timeout: 30_000 }).toBe(1);
    // The answer box starts with the suggestion, said to come from the event's facts.
    expect(await item.getByRole('textbox').inputValue()).toBe(suggested!.suggestedAnswer);
    expect(await item.innerText()).toMatch(/Suggested from the event’s .+\. Check it before sending\./);
    await item.getByRole('button', { name: 'Send answer' }).click();
    await expect.poll(() => item.count()).toBe(0);
    const answered = (await list('answered')).find((q) => q.id === suggested!.id);
    expect(answered?.answer).toBe(suggested!.suggestedAnswer);

    let other: Question | undefined;
    await expect.poll(async () => (other = await openQuestion(false)), { timeout: 60_000, interval: 1000 }).toBeDefined();
    const second = page.locator(`[data-question="${other!.id}"]`);
    await expect.poll(() => second.count(), { timeout: 30_000 }).toBe(1);
    await second.getByRole('button', { name: 'Dismiss' }).click();
    await expect.poll(() => second.count()).toBe(0);
    const dismissed = (await list('dismissed')).find((q) => q.id === other!.id);
    expect(dismissed).toMatchObject({ status: 'dismissed', answer: null });
    expect(errors).toEqual([]);
  });

  // Retraining runs the shipped six epochs on the full data with 16,384 buckets: about five
  // minutes on a 2-core machine (the first layer is trained dense; docs/model.md), more when busy.
  it('retrains the model with the corrections from Settings, shows both reports, and puts the new one in use', { timeout: 720_000 }, async () => {
    await session.app.rpc('model.correct', { commentId: 'e2e_retrain', text: 'put my name down twice, me and my brother', intent: 'signup' });
    const before = await session.app.rpc<{ version: string; corrections: number }>('model.info', {});
    const { page, errors } = await session.open('#/settings/model');
    const retrain = page.getByRole('button', { name: /^Retrain with \d+ corrections?$/ });
    await retrain.click();
    await page.getByRole('progressbar', { name: 'Retraining the intent model' }).waitFor();
    await page.getByTestId('model-candidate').waitFor({ timeout: 700_000 });
    const compare = await page.getByTestId('model-compare').innerText();
    expect(compare).toMatch(/Current model\s+New model/);
    expect(compare).toMatch(/Quality \(macro F1\)/);
    expect(compare).toMatch(/Signups, precision/);
    await screenshot(page, 'settings-model-retrained');
    const { candidate } = await session.app.rpc<{ candidate: { version: string } | null }>('model.candidate', {});
    expect(candidate?.version).toBeDefined();
    expect(candidate!.version).not.toBe(before.version);

    await page.getByRole('button', { name: /^Use the new model/ }).click();
    await expect.poll(() => page.getByTestId('model-version').innerText(), { timeout: 30_000 }).toMatch(candidate!.version);
    await expect.poll(() => page.getByTestId('model-candidate').count()).toBe(0);
    const health = (await (await fetch(`${session.app.url}/healthz`)).json()) as { model: { version: string } };
    expect(health.model.version).toBe(candidate!.version);
    expect(errors).toEqual([]);
  });
});
