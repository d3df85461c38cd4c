import { useCallback, useEffect, useRef, useState } from 'react';
import { useClient, type OperationResult } from 'urql';

import { graphql } from '@/gql';
import type { CatalogPageQuery as CatalogPageResult, ProductCardFieldsFragment } from '@/gql/graphql';

export const PAGE_SIZE = 12;

export const CatalogPageQuery = graphql(`
  query CatalogPage($category: String, $first: Int!, $after: String) {
    products(category: $category, first: $first, after: $after) {
      edges {
        cursor
        node {
          ...ProductCardFields
        }
      }
      pageInfo {
        hasNextPage
        endCursor
      }
    }
  }
`);

type ProductPages = {
  products: ProductCardFieldsFragment[];
  hasMore: boolean;
  /** The first page is loading. */
  loading: boolean;
  /** A further page is loading. */
  loadingMore: boolean;
  error: Error | null;
  loadMore: () => void;
  retry: () => void;
};

type PagesState = Omit<ProductPages, 'loadMore' | 'retry'> & { endCursor: string | null };

const initial: PagesState = { products: [], hasMore: false, loading: true, loadingMore: false, error: null, endCursor: null };

function applyPage(previous: PagesState, after: string | null, result: OperationResult<CatalogPageResult>): PagesState {
  if (result.error || !result.data) {
    return { ...previous, loading: false, loadingMore: false, error: result.error ?? new Error('no data') };
  }
  const { edges, pageInfo } = result.data.products;
  return {
    products: [...(after ? previous.products : []), ...edges.map((edge) => edge.node)],
    hasMore: pageInfo.hasNextPage,
    endCursor: pageInfo.endCursor,
    loading: false,
    loadingMore: false,
    error: null,
  };
}

/**
 * The catalog a page at a time ("Load more"), following the connection's cursors. Always from the
 * network: availability changes with every order. Key the component by category to start over.
 */
export function useProductPages(category: string | null): ProductPages {
  const client = useClient();
  const [state, setState] = useState<PagesState>(initial);
  // Answers for an earlier category (or after unmount) are dropped.
  const generation = useRef(0);

  const fetchPage = useCallback(
    (after: string | null) => {
      const current = generation.current;
      void client
        .query(CatalogPageQuery, { category, first: PAGE_SIZE, after }, { requestPolicy: 'network-only' })
        .toPromise()
        .then((result) => {
          if (current === generation.current) setState((previous) => applyPage(previous, after, result));
        });
    },
    [client, category],
  );

  useEffect(() => {
    generation.current += 1;
    fetchPage(null);
    return () => {
      generation.current += 1;
    };
  }, [fetchPage]);

  const loadMore = () => {
    if (state.loadingMore || !state.hasMore) return;
    setState((previous) => ({ ...previous, loadingMore: true }));
    fetchPage(state.endCursor);
  };

  const retry = () => {
    const more = state.products.length > 0;
    setState((previous) => ({ ...previous, error: null, loading: !more, loadingMore: more }));
    fetchPage(more ? state.endCursor : null);
  };

  const { endCursor: _endCursor, ...pages } = state;
  return { ...pages, loadMore, retry };
}
