import { render, renderHook, type RenderOptions } from '@testing-library/react';
import type { ReactNode } from 'react';
import { MemoryRouter } from 'react-router';
import { Provider } from 'urql';

import { createGraphqlClient } from '@/lib/graphql-client';

function wrapperFor(path: string) {
  // A client per test: no cache shared between tests.
  const client = createGraphqlClient({ url: 'http://localhost/graphql' });
  return function Wrapper({ children }: { children: ReactNode }) {
    return (
      <Provider value={client}>
        <MemoryRouter initialEntries={[path]}>{children}</MemoryRouter>
      </Provider>
    );
  };
}

export function renderWithProviders(ui: ReactNode, { path = '/', ...options }: RenderOptions & { path?: string } = {}) {
  return render(ui, { wrapper: wrapperFor(path), ...options });
}

export function renderHookWithProviders<Result>(hook: () => Result, { path = '/' }: { path?: string } = {}) {
  return renderHook(hook, { wrapper: wrapperFor(path) });
}
