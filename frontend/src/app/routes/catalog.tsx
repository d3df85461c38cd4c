import { CatalogBrowser } from '@/features/catalog/components/catalog-browser';

export function CatalogRoute() {
  return <CatalogBrowser />;
}
