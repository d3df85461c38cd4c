import { useMemo } from 'react';
import { Link, useSearchParams } from 'react-router';

import { Alert } from '@/components/ui/alert';
import { Button } from '@/components/ui/button';
import { cn } from '@/components/ui/cn';
import { EmptyState } from '@/components/ui/empty-state';
import { LoadingRegion } from '@/components/ui/skeleton';
import { useDocumentTitle } from '@/lib/use-document-title';

import { categoriesOf, matchesSearch, useCatalogIndex } from '../api/get-catalog-index';
import { useProductPages } from '../api/get-catalog-page';
import { ProductGrid, ProductGridSkeleton } from './product-grid';
import { SearchBox } from './search-box';

const titleCase = (word: string) => word.charAt(0).toUpperCase() + word.slice(1);

export function CatalogBrowser() {
  const [params, setParams] = useSearchParams();
  const category = params.get('category');
  const query = params.get('q')?.trim() ?? '';
  const index = useCatalogIndex();
  const categories = useMemo(() => categoriesOf(index.products), [index.products]);

  useDocumentTitle(query ? `Search: ${query}` : category ? titleCase(category) : null);

  const linkTo = (next: string | null) => {
    const search = new URLSearchParams(params);
    if (next) search.set('category', next);
    else search.delete('category');
    const text = search.toString();
    return text ? `/?${text}` : '/';
  };

  return (
    <div className="flex flex-col gap-6">
      <div className="flex flex-col gap-4 md:flex-row md:items-end md:justify-between">
        <div>
          <h1 className="text-2xl font-bold tracking-tight text-stone-900 sm:text-3xl">
            {category ? titleCase(category) : 'All gear'}
          </h1>
          <p className="mt-1 text-sm text-stone-600">Shipped from the warehouse nearest to you.</p>
        </div>
        <SearchBox
          value={query}
          onSearch={(text) => {
            const search = new URLSearchParams(params);
            if (text) search.set('q', text);
            else search.delete('q');
            setParams(search, { replace: true });
          }}
        />
      </div>

      <nav aria-label="Categories" className="-mx-4 overflow-x-auto px-4">
        <ul className="flex gap-2">
          {[null, ...categories].map((name) => {
            const current = (name ?? null) === category;
            return (
              <li key={name ?? 'all'}>
                <Link
                  to={linkTo(name)}
                  aria-current={current ? 'page' : undefined}
                  className={cn(
                    'inline-flex h-9 items-center rounded-full border px-4 text-sm font-medium whitespace-nowrap',
                    'focus-visible:outline-2 focus-visible:outline-offset-2 focus-visible:outline-emerald-600',
                    current ? 'border-emerald-700 bg-emerald-700 text-white' : 'border-stone-300 bg-white text-stone-700 hover:bg-stone-100',
                  )}
                >
                  {name ? titleCase(name) : 'All'}
                </Link>
              </li>
            );
          })}
        </ul>
      </nav>

      {query ? (
        <SearchResults query={query} category={category} index={index} />
      ) : (
        <PagedProducts key={category ?? ''} category={category} />
      )}
    </div>
  );
}

function PagedProducts({ category }: { category: string | null }) {
  const pages = useProductPages(category);
  if (pages.loading) {
    return (
      <LoadingRegion label="Loading products">
        <ProductGridSkeleton />
      </LoadingRegion>
    );
  }
  if (pages.error && pages.products.length === 0) {
    return (
      <Alert title="We could not load the products.">
        <p>Check your connection and try again.</p>
        <Button variant="secondary" size="sm" className="mt-3" onClick={pages.retry}>
          Try again
        </Button>
      </Alert>
    );
  }
  if (pages.products.length === 0) {
    return (
      <EmptyState title="Nothing here yet" action={<Link to="/" className="text-emerald-700 underline">See all gear</Link>}>
        {category ? `There are no products in ${category} right now.` : 'The catalog is empty.'}
      </EmptyState>
    );
  }
  return (
    <div className="flex flex-col gap-6">
      <ProductGrid products={pages.products} label="Products" />
      {pages.error ? <Alert>Loading more products failed. Try again.</Alert> : null}
      <div className="flex flex-col items-center gap-2">
        <p className="text-sm text-stone-600" aria-live="polite">
          Showing {pages.products.length} {pages.products.length === 1 ? 'product' : 'products'}
        </p>
        {pages.hasMore || pages.error ? (
          <Button variant="secondary" onClick={pages.error ? pages.retry : pages.loadMore} loading={pages.loadingMore} loadingText="Loading…">
            Load more
          </Button>
        ) : null}
      </div>
    </div>
  );
}

function SearchResults({
  query,
  category,
  index,
}: {
  query: string;
  category: string | null;
  index: ReturnType<typeof useCatalogIndex>;
}) {
  const results = useMemo(
    () => index.products.filter((product) => (!category || product.category === category) && matchesSearch(product, query)),
    [index.products, category, query],
  );
  if (index.fetching) {
    return (
      <LoadingRegion label="Searching">
        <ProductGridSkeleton count={4} />
      </LoadingRegion>
    );
  }
  if (index.error) return <Alert title="Search is unavailable right now.">Try again in a moment.</Alert>;
  if (results.length === 0) {
    return (
      <EmptyState title={`No results for “${query}”`}>
        Try fewer or different words{category ? ', or search all categories' : ''}.
      </EmptyState>
    );
  }
  return (
    <div className="flex flex-col gap-4">
      <p className="text-sm text-stone-600" aria-live="polite">
        {results.length} {results.length === 1 ? 'result' : 'results'} for “{query}”
      </p>
      <ProductGrid products={results} label="Search results" />
    </div>
  );
}
