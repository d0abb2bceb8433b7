import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { IntentEntry } from '../streams/entries';
import { FakeGraph } from './testing/fake-graph';
import { call, publishedEvent as publishEvent } from './testing/call';
import { commentIntent, feedIntents, settled, startHarness, type Harness } from './testing/harness';
import { detectLanguage } from './replies/language';
import { SPANISH_TEMPLATES } from './replies/templates';

const person = (n: number) => ({ id: `200${n}`, name: `Persona${n} Apellido` });
const withConfidence = (e: IntentEntry, confidence: number): IntentEntry => ({ ...e, confidence });
/** Names in replies are bidi-isolated (FSI … PDI); these tests are about the words around them. */
const plain = (text: string): string => text.replace(/[\u2066-\u2069]/g, '');

describe('comments the model is unsure of wait for the coordinator', () => {
  let h: Harness;
  let graph: FakeGraph;
  const corrections: Array<{ commentId: string; intent: string; previous: string | null }> = [];
  let threshold = 0.6;

  beforeEach(async () => {
    graph = new FakeGraph();
    corrections.length = 0;
    threshold = 0.6;
    h = await startHarness({ graph, reviewThreshold: () => threshold, onCorrection: (c) => void corrections.push(c) });
  });
  afterEach(() => h.cleanup());

  const publishedEvent = (capacity = 5) => publishEvent(h.module, { title: 'Food bank', location: 'Hall', slotTitle: 'Morning', capacity });

  it('holds a low-confidence signup (no signup, no reply) until one click accepts it, then acts at once', async () => {
    const e = await publishedEvent();
    const entry = withConfidence(commentIntent({ postId: e.postId, from: person(1), message: 'Interested', intent: 'signup' }), 0.41);
    const commentId = entry.item.kind === 'comment' ? entry.item.commentId : '';
    await feedIntents(h, [entry]);
    await settled(h);

    expect(graph.calls.filter((c) => c.op !== 'publishPost')).toEqual([]);
    expect((await call(h.module, 'signups.list', { eventId: e.id })).slots[0]!.signups).toEqual([]);
    const held = await call(h.module, 'comments.needsReview', {});
    expect(held.map((c) => [c.id, c.action, c.intent])).toEqual([[commentId, 'needs_review', 'signup']]);
    expect((await call(h.module, 'events.get', { id: e.id })).counts.needsReview).toBe(1);
    expect(h.live.some((m) => m.event === 'comment.received' && m.payload.comment.action === 'needs_review')).toBe(true);
    expect(h.live.some((m) => m.event === 'event.updated' && m.payload.event.counts.needsReview === 1)).toBe(true);

    // The same delivery again (Meta retries) changes nothing and sends nothing.
    await feedIntents(h, [entry]);
    await settled(h);
    expect(graph.calls.filter((c) => c.op !== 'publishPost')).toEqual([]);

    // Accepting the model's guess is one call with the same intent: it acts and is kept as a label.
    const accepted = await call(h.module, 'comments.correct', { commentId, intent: 'signup' });
    expect(accepted).toMatchObject({ action: 'signed_up', correctedIntent: 'signup' });
    await settled(h);
    expect(graph.of('replyToComment').map((r) => r.commentId)).toEqual([commentId]);
    expect(graph.of('privateReply').map((r) => r.commentId)).toEqual([commentId]);
    expect((await call(h.module, 'signups.list', { eventId: e.id })).slots[0]!.signups.map((s) => s.volunteerName)).toEqual(['Persona1 Apellido']);
    expect(await call(h.module, 'comments.needsReview', {})).toEqual([]);
    expect((await call(h.module, 'events.get', { id: e.id })).counts.needsReview).toBe(0);
    expect(corrections).toEqual([{ commentId, text: 'Interested', intent: 'signup', previous: 'signup' }]);
    expect(h.live.some((m) => m.event === 'comment.updated' && m.payload.comment.id === commentId && m.payload.comment.action === 'signed_up')).toBe(true);
  });

  it('lets the coordinator pick another intent, acts on that one, and sends nothing for "other"', async () => {
    const e = await publishedEvent();
    const a = withConfidence(commentIntent({ postId: e.postId, from: person(2), message: '🙋🏽‍♀️', intent: 'other' }), 0.52);
    const b = withConfidence(commentIntent({ postId: e.postId, from: person(3), message: '@Ana look', intent: 'signup' }), 0.55);
    await feedIntents(h, [a, b]);
    await settled(h);
    const ids = (await call(h.module, 'comments.needsReview', { eventId: e.id })).map((c) => c.id);
    expect(ids).toHaveLength(2);
    const [aid, bid] = [a, b].map((x) => (x.item.kind === 'comment' ? x.item.commentId : ''));
    expect((await call(h.module, 'comments.correct', { commentId: aid!, intent: 'signup' })).action).toBe('signed_up');
    expect((await call(h.module, 'comments.correct', { commentId: bid!, intent: 'other' })).action).toBe('ignored');
    await settled(h);
    expect(graph.of('replyToComment').map((r) => r.commentId)).toEqual([aid]);
    expect(await call(h.module, 'comments.needsReview', {})).toEqual([]);
  });

  it('acts on confident comments as before, and on every guess with the threshold at 0', async () => {
    const e = await publishedEvent();
    await feedIntents(h, [withConfidence(commentIntent({ postId: e.postId, from: person(4), message: "I'm in", intent: 'signup' }), 0.93)]);
    await settled(h);
    threshold = 0;
    await feedIntents(h, [withConfidence(commentIntent({ postId: e.postId, from: person(5), message: 'me?', intent: 'signup' }), 0.3)]);
    await settled(h);
    expect((await call(h.module, 'signups.list', { eventId: e.id })).slots[0]!.signups).toHaveLength(2);
    expect(await call(h.module, 'comments.needsReview', {})).toEqual([]);
  });

  it('a held comment deleted before anyone looked leaves the list; one kept on restart stays in it', async () => {
    const e = await publishedEvent();
    const gone = withConfidence(commentIntent({ postId: e.postId, from: person(6), message: 'maybe', intent: 'signup' }), 0.4);
    const kept = withConfidence(commentIntent({ postId: e.postId, from: person(7), message: 'hmm ok', intent: 'signup' }), 0.4);
    await feedIntents(h, [gone, kept]);
    await settled(h);
    const goneId = gone.item.kind === 'comment' ? gone.item.commentId : '';
    await feedIntents(h, [commentIntent({ postId: e.postId, commentId: goneId, from: person(6), message: '', intent: null, verb: 'remove' })]);
    await settled(h);
    await h.restart();
    const held = await call(h.module, 'comments.needsReview', {});
    expect(held.map((c) => c.authorName)).toEqual(['Persona7 Apellido']);
    expect((await call(h.module, 'events.get', { id: e.id })).counts.needsReview).toBe(1);
  });
});

describe('replies in the commenter’s language', () => {
  let h: Harness;
  let graph: FakeGraph;

  beforeEach(async () => {
    graph = new FakeGraph();
    h = await startHarness({ graph });
  });
  afterEach(() => h.cleanup());

  const publishedEvent = (capacity = 5) => publishEvent(h.module, { title: 'Banco de alimentos', location: 'Salón parroquial', slotTitle: 'Mañana', capacity });

  const commentIdOf = (e: IntentEntry): string => (e.item.kind === 'comment' ? e.item.commentId : '');

  it('answers a Spanish signup in Spanish, in public and in private, and an English one in English', async () => {
    const e = await publishedEvent();
    const es = commentIntent({ postId: e.postId, from: person(1), message: '¡Cuenten conmigo! Allí estaré con mi hermana', intent: 'signup' });
    const en = commentIntent({ postId: e.postId, from: { id: '3001', name: 'Sam Jones' }, message: 'Count me in, happy to help', intent: 'signup' });
    await feedIntents(h, [es, en]);
    await settled(h);
    const pub = Object.fromEntries(graph.of('replyToComment').map((r) => [r.commentId, plain(r.message)]));
    const priv = Object.fromEntries(graph.of('privateReply').map((r) => [r.commentId, plain(r.message.text)]));
    expect(pub[commentIdOf(es)]).toBe('¡Gracias Persona1! Quedaste apuntado/a para Mañana. Te enviamos un mensaje con los detalles.');
    expect(priv[commentIdOf(es)]).toMatch(/^Hola Persona1, gracias por apuntarte a Banco de alimentos \(Mañana, .*\) en Salón parroquial\. ¿Nos confirmas que vienes\?$/);
    expect(pub[commentIdOf(en)]).toMatch(/^Thank you Sam! You're signed up for Mañana\./);
    expect(priv[commentIdOf(en)]).toMatch(/^Hi Sam, thanks for signing up/);
    const comments = await call(h.module, 'comments.list', { eventId: e.id });
    expect(Object.fromEntries(comments.map((c) => [c.authorName, c.language]))).toEqual({ 'Persona1 Apellido': 'es', 'Sam Jones': 'en' });
  });

  it('uses texts the coordinator wrote for another language, the Page default otherwise, and the person’s language later', async () => {
    const e = await publishedEvent(1);
    await call(h.module, 'templates.set', { language: 'pt', templates: { 'signup.public': 'Obrigado {firstName}! Você está inscrito em {slot}.' } });
    const langs = await call(h.module, 'templates.languages', {});
    expect(langs.languages.filter((l) => l.available).map((l) => l.code)).toEqual(['en', 'es', 'pt']);
    const pt = commentIntent({ postId: e.postId, from: person(2), message: 'Podem contar comigo, estarei lá!', intent: 'signup' });
    const fr = commentIntent({ postId: e.postId, from: person(3), message: 'Je suis partante, inscrivez-moi !', intent: 'signup' });
    await feedIntents(h, [pt, fr]);
    await settled(h);
    const pub = Object.fromEntries(graph.of('replyToComment').map((r) => [r.commentId, plain(r.message)]));
    expect(pub[commentIdOf(pt)]).toBe('Obrigado Persona2! Você está inscrito em Mañana.');
    // No French texts: the Page's default language (English), with the waitlist text since the slot is full.
    expect(pub[commentIdOf(fr)]).toMatch(/^Thanks Persona3! Mañana is full/);

    // The Page's language becomes Spanish: a comment whose language cannot be told gets Spanish.
    await call(h.module, 'templates.setDefaultLanguage', { language: 'es' });
    const emoji = commentIntent({ postId: e.postId, from: person(4), message: '🙋‍♀️', intent: 'signup' });
    await feedIntents(h, [emoji]);
    await settled(h);
    expect(plain(graph.of('replyToComment').find((r) => r.commentId === commentIdOf(emoji))!.message)).toMatch(/^¡Gracias Persona4! Mañana está completo/);
    expect((await call(h.module, 'templates.get', {}))['signup.public']).toBe(SPANISH_TEMPLATES['signup.public']);
  });

  it('tells a Spanish speaker in Spanish when a place opens for them', async () => {
    const e = await publishedEvent(1);
    const first = commentIntent({ postId: e.postId, from: { id: '3002', name: 'Kim Lee' }, message: "I'm in!", intent: 'signup' });
    const waiting = commentIntent({ postId: e.postId, from: person(5), message: 'Yo también quiero ayudar, apúntenme por favor', intent: 'signup' });
    await feedIntents(h, [first, waiting]);
    await settled(h);
    await feedIntents(h, [commentIntent({ postId: e.postId, from: { id: '3002', name: 'Kim Lee' }, message: "sorry, can't make it anymore", intent: 'cancel' })]);
    await settled(h);
    const toWaiting = graph.calls.filter((c) => (c.op === 'sendMessage' || c.op === 'replyToComment') && (c.op === 'replyToComment' ? c.commentId === commentIdOf(waiting) : true));
    const texts = toWaiting.map((c) => plain(c.op === 'sendMessage' ? c.message.text : c.op === 'replyToComment' ? c.message : ''));
    expect(texts.some((t) => t.startsWith('¡Buenas noticias Persona5! Se liberó un lugar'))).toBe(true);
  });
});

describe('detectLanguage', () => {
  it('reads the languages the model knows and leaves emoji, "+1" and too-short texts to the Page default', () => {
    expect(detectLanguage('¡Cuenten conmigo para el sábado!')).toBe('es');
    expect(detectLanguage('Podem contar comigo, estarei lá!')).toBe('pt');
    expect(detectLanguage('Je suis partante, inscrivez-moi !')).toBe('fr');
    expect(detectLanguage('Ich bin dabei, tragt mich bitte ein')).toBe('de');
    expect(detectLanguage('Count me in, happy to help')).toBe('en');
    for (const t of ['🙋', '+1', '👍🏾👍🏾', '']) expect(detectLanguage(t)).toBeNull();
  });
});
