/** The review store per window, and `useReview(selector)` over it. */
import { useStore } from 'zustand';
import type { Api } from '../../../../shared/contracts';
import { useServices } from '../../app/react';
import { connectReviewStore, createReviewStore, type ReviewState, type ReviewStore } from './store';

// One review store per app (per contract client), connected to main's events for the app's lifetime.
const stores = new WeakMap<Api, ReviewStore>();

export function reviewStoreOf(services: ReturnType<typeof useServices>): ReviewStore {
  let store = stores.get(services.api);
  if (!store) {
    store = createReviewStore(services.api);
    connectReviewStore(store, services.transport);
    stores.set(services.api, store);
  }
  return store;
}

/** Components always pass a narrow selector, as with useBaton. */
export function useReview<T>(selector: (s: ReviewState) => T): T {
  return useStore(reviewStoreOf(useServices()), selector);
}
