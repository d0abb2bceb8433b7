import type { CommentView, IntentName } from '@contract/events';
import { createStore, type StoreApi } from 'zustand/vanilla';
import { toApiError, type Bridge } from '../bridge';

export interface ReviewState {
  /** Comments held because the model was unsure, oldest first. */
  items: CommentView[];
  loaded: boolean;
  error: string | null;
  /** The comment being resolved, while its request runs. */
  resolving: string | null;
  load(): Promise<void>;
  /** Puts a comment in or out of the list by its action (a live event or a request's answer). */
  apply(comment: CommentView): void;
  /** Acts on the comment as `intent` (the model's guess or the coordinator's pick); throws the reason when refused. */
  resolve(commentId: string, intent: IntentName): Promise<CommentView>;
}

/** "Needs a look": kept current by `comment.received` / `comment.updated`, so Today and each event agree. */
export function createReviewStore(bridge: Bridge): StoreApi<ReviewState> {
  const store = createStore<ReviewState>()((set, get) => ({
    items: [],
    loaded: false,
    error: null,
    resolving: null,
    async load() {
      try {
        set({ items: await bridge.api.invoke('comments.needsReview', { limit: 1000 }), loaded: true, error: null });
      } catch (err) {
        set({ error: toApiError(err).message, loaded: true });
      }
    },
    apply(comment) {
      const rest = get().items.filter((c) => c.id !== comment.id);
      if (comment.action !== 'needs_review') {
        if (rest.length !== get().items.length) set({ items: rest });
        return;
      }
      set({ items: [...rest, comment].sort((a, b) => Date.parse(a.createdAt) - Date.parse(b.createdAt)) });
    },
    async resolve(commentId, intent) {
      set({ resolving: commentId });
      try {
        const updated = await bridge.api.invoke('comments.correct', { commentId, intent });
        get().apply(updated);
        return updated;
      } finally {
        set({ resolving: null });
      }
    },
  }));
  bridge.api.on('comment.received', ({ comment }) => store.getState().apply(comment));
  bridge.api.on('comment.updated', ({ comment }) => store.getState().apply(comment));
  bridge.api.on('volunteer.deleted', () => void store.getState().load());
  return store;
}
