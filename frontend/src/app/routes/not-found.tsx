import { isRouteErrorResponse, useRouteError } from 'react-router';

import { ButtonLink } from '@/components/ui/button';
import { EmptyState } from '@/components/ui/empty-state';
import { useDocumentTitle } from '@/lib/use-document-title';

export function NotFoundRoute() {
  useDocumentTitle('Page not found');
  return (
    <EmptyState title="Page not found" action={<ButtonLink to="/">Go to the shop</ButtonLink>}>
      The page you asked for does not exist.
    </EmptyState>
  );
}

/** A render error anywhere below: say so, offer a way out, and keep the details in the console. */
export function RouteErrorBoundary() {
  const error = useRouteError();
  useDocumentTitle('Something went wrong');
  if (isRouteErrorResponse(error) && error.status === 404) return <NotFoundRoute />;
  console.error(error);
  return (
    <div className="mx-auto max-w-lg p-8">
      <EmptyState title="Something went wrong" action={<ButtonLink to="/">Go to the shop</ButtonLink>}>
        An unexpected error stopped this page. Reloading usually helps; your cart is saved.
      </EmptyState>
    </div>
  );
}
