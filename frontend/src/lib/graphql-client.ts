import { Client, cacheExchange, fetchExchange, mapExchange, type CombinedError } from 'urql';

type ClientOptions = {
  url?: string;
  /** Extra headers per request, e.g. the admin's bearer token. */
  headers?: () => Record<string, string>;
  /** Called when the API refuses the caller (no token, expired, wrong audience). */
  onUnauthenticated?: (error: CombinedError) => void;
};

const AUTH_CODES = new Set(['UNAUTHENTICATED', 'FORBIDDEN']);

export function createGraphqlClient({ url = '/graphql', headers, onUnauthenticated }: ClientOptions = {}): Client {
  return new Client({
    url,
    exchanges: [
      mapExchange({
        onError(error) {
          const refused = error.graphQLErrors.some((graphQLError) => AUTH_CODES.has(String(graphQLError.extensions.code)));
          if (refused) onUnauthenticated?.(error);
        },
      }),
      cacheExchange,
      fetchExchange,
    ],
    // The API accepts POST only outside development (no queries over GET on AWS).
    preferGetMethod: false,
    requestPolicy: 'cache-and-network',
    fetchOptions: () => ({ headers: headers?.() ?? {} }),
  });
}
