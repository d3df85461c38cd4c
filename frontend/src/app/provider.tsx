import { useEffect, useState, type ReactNode } from 'react';
import { Toaster } from 'sonner';
import { Provider as GraphqlProvider } from 'urql';

import { createGraphqlClient } from '@/lib/graphql-client';
import { syncCartAcrossTabs } from '@/stores/cart';

export function AppProvider({ children }: { children: ReactNode }) {
  const [client] = useState(() => createGraphqlClient());
  useEffect(() => syncCartAcrossTabs(), []);
  return (
    <GraphqlProvider value={client}>
      {children}
      <Toaster position="top-center" richColors closeButton duration={5000} />
    </GraphqlProvider>
  );
}
