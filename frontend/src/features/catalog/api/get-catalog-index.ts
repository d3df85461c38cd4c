import { useEffect, useState } from 'react';
import { useClient, type OperationResult } from 'urql';

import { graphql } from '@/gql';
import type { CatalogIndexQuery as CatalogIndexResult, CatalogIndexQueryVariables } from '@/gql/graphql';

export const CatalogIndexQuery = graphql(`
  query CatalogIndex($after: String) {
    products(first: 50, after: $after) {
      edges {
        node {
          ...ProductCardFields
          description
        }
      }
      pageInfo {
        hasNextPage
        endCursor
      }
    }
  }
`);

export type IndexedProduct = CatalogIndexResult['products']['edges'][number]['node'];

/** A bound on the walk: 20 pages of 50 is far beyond this catalog, and stops a runaway loop. */
const MAX_PAGES = 20;

type CatalogIndex = { products: IndexedProduct[]; fetching: boolean; error: Error | null };

/**
 * Every active product, page by page. The API has neither a categories query nor a search argument,
 * so the category list and search are worked out here from the whole (small) catalog.
 */
export function useCatalogIndex(): CatalogIndex {
  const client = useClient();
  const [state, setState] = useState<CatalogIndex>({ products: [], fetching: true, error: null });

  useEffect(() => {
    let cancelled = false;
    void (async () => {
      const products: IndexedProduct[] = [];
      let after: string | null = null;
      for (let page = 0; page < MAX_PAGES; page += 1) {
        const variables: CatalogIndexQueryVariables = { after };
        const result: OperationResult<CatalogIndexResult> = await client
          .query(CatalogIndexQuery, variables, { requestPolicy: 'cache-first' })
          .toPromise();
        if (cancelled) return;
        if (result.error || !result.data) {
          setState({ products, fetching: false, error: result.error ?? new Error('no data') });
          return;
        }
        const connection = result.data.products;
        products.push(...connection.edges.map((edge) => edge.node));
        if (!connection.pageInfo.hasNextPage || !connection.pageInfo.endCursor) break;
        after = connection.pageInfo.endCursor;
      }
      setState({ products, fetching: false, error: null });
    })();
    return () => {
      cancelled = true;
    };
  }, [client]);

  return state;
}

export function categoriesOf(products: readonly { category: string }[]): string[] {
  return [...new Set(products.map((product) => product.category))].sort();
}

/** Every word of the query must appear in the name, SKU, category or description (case-insensitive). */
export function matchesSearch(product: IndexedProduct, query: string): boolean {
  const haystack = `${product.name} ${product.sku} ${product.category} ${product.description}`.toLowerCase();
  return query
    .toLowerCase()
    .split(/\s+/)
    .filter(Boolean)
    .every((word) => haystack.includes(word));
}
