import { render, renderHook, type RenderOptions } from '@testing-library/react';
import type { ReactNode } from 'react';
import { MemoryRouter } from 'react-router';
import { Provider } from 'urql';

import { browserClock, ClockProvider, type Clock } from '@/lib/clock';
import { createGraphqlClient } from '@/lib/graphql-client';

type Options = { path?: string; clock?: Clock };

function wrapperFor({ path = '/', clock = browserClock }: Options) {
  // A client per test: no cache shared between tests.
  const client = createGraphqlClient({ url: 'http://localhost/graphql' });
  return function Wrapper({ children }: { children: ReactNode }) {
    return (
      <Provider value={client}>
        <ClockProvider clock={clock}>
          <MemoryRouter initialEntries={[path]}>{children}</MemoryRouter>
        </ClockProvider>
      </Provider>
    );
  };
}

/** `clock`: the time and zone the page sees (with Vitest's fake timers, `{ now: () => Date.now(), timeZone: 'UTC' }`). */
export function renderWithProviders(ui: ReactNode, { path, clock, ...options }: RenderOptions & Options = {}) {
  return render(ui, { wrapper: wrapperFor({ path, clock }), ...options });
}

export function renderHookWithProviders<Result>(hook: () => Result, { path, clock }: Options = {}) {
  return renderHook(hook, { wrapper: wrapperFor({ path, clock }) });
}
