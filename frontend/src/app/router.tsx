import { createBrowserRouter } from 'react-router';

import { Spinner } from '@/components/ui/spinner';

import { ShopLayout } from './layouts/shop-layout';
import { CartRoute } from './routes/cart';
import { CatalogRoute } from './routes/catalog';
import { CheckoutPaymentRoute, CheckoutShippingRoute } from './routes/checkout';
import { NotFoundRoute, RouteErrorBoundary } from './routes/not-found';
import { OrderRoute, OrdersRoute } from './routes/order';
import { ProductRoute } from './routes/product';

export const router = createBrowserRouter([
  {
    element: <ShopLayout />,
    errorElement: <RouteErrorBoundary />,
    children: [
      {
        errorElement: <RouteErrorBoundary />,
        children: [
          { index: true, element: <CatalogRoute /> },
          { path: 'products/:productId', element: <ProductRoute /> },
          { path: 'cart', element: <CartRoute /> },
          { path: 'checkout', element: <CheckoutShippingRoute /> },
          { path: 'checkout/payment/:orderId', element: <CheckoutPaymentRoute /> },
          { path: 'orders', element: <OrdersRoute /> },
          { path: 'orders/:orderId', element: <OrderRoute /> },
          { path: '*', element: <NotFoundRoute /> },
        ],
      },
    ],
  },
  {
    path: 'admin/*',
    lazy: async () => ({ Component: (await import('./routes/admin/admin-app')).AdminApp }),
    // Shown while the admin bundle loads on a first visit straight to /admin.
    HydrateFallback: () => (
      <div className="flex min-h-dvh items-center justify-center">
        <Spinner label="Loading…" />
      </div>
    ),
  },
]);
