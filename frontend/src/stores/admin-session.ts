import { create } from 'zustand';
import { createJSONStorage, persist } from 'zustand/middleware';

/**
 * The admin's short-lived token (15 minutes). In sessionStorage: it survives a reload but not the tab,
 * and never reaches the shopper's pages.
 */
type AdminSession = {
  token: string | null;
  username: string | null;
  expiresAt: string | null;
  /** Why the last session ended, for the login page ("expired", "signed out"). */
  endedBecause: string | null;
  signIn: (session: { token: string; username: string; expiresAt: string }) => void;
  signOut: (because?: string) => void;
};

export const useAdminSession = create<AdminSession>()(
  persist(
    (set) => ({
      token: null,
      username: null,
      expiresAt: null,
      endedBecause: null,
      signIn: ({ token, username, expiresAt }) => set({ token, username, expiresAt, endedBecause: null }),
      signOut: (because) => set({ token: null, username: null, expiresAt: null, endedBecause: because ?? null }),
    }),
    { name: 'trailhead.admin.v1', version: 1, storage: createJSONStorage(() => sessionStorage) },
  ),
);

/** A token that is there and not past its expiry (with a few seconds of slack for the request). */
export function hasLiveSession(state: Pick<AdminSession, 'token' | 'expiresAt'>, now = Date.now()): boolean {
  if (!state.token || !state.expiresAt) return false;
  return Date.parse(state.expiresAt) - 5_000 > now;
}
