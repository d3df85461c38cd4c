import { useEffect, useState, type ReactNode } from 'react';
import { Navigate, NavLink, Outlet, Route, Routes, useLocation, useNavigate, useParams, useSearchParams } from 'react-router';
import { Provider as GraphqlProvider } from 'urql';

import { cn } from '@/components/ui/cn';
import { LoginForm } from '@/features/admin-auth/components/login-form';
import { AnalyticsDashboard } from '@/features/admin-analytics/components/analytics-dashboard';
import { ProductPicker } from '@/features/admin-inventory/components/product-picker';
import { StockEditor } from '@/features/admin-inventory/components/stock-editor';
import { AdminOrderDetail } from '@/features/admin-orders/components/admin-order-detail';
import { OrdersTable } from '@/features/admin-orders/components/orders-table';
import { ProductEditor, ProductForm } from '@/features/admin-products/components/product-form';
import { ProductList } from '@/features/admin-products/components/product-list';
import { WarehouseForm } from '@/features/admin-warehouses/components/warehouse-form';
import { WarehouseList } from '@/features/admin-warehouses/components/warehouse-list';
import { createGraphqlClient } from '@/lib/graphql-client';
import { hasLiveSession, useAdminSession } from '@/stores/admin-session';

import { NotFoundRoute } from '../not-found';

const EXPIRED = 'Your session expired. Sign in again.';

/** The admin area: its own GraphQL client (with the bearer token, and its own cache), routes and layout. */
export function AdminApp() {
  const [client] = useState(() =>
    createGraphqlClient({
      headers: (): Record<string, string> => {
        const { token } = useAdminSession.getState();
        return token ? { authorization: `Bearer ${token}` } : {};
      },
      onUnauthenticated: () => useAdminSession.getState().signOut(EXPIRED),
    }),
  );
  return (
    <GraphqlProvider value={client}>
      <Routes>
        <Route path="login" element={<LoginRoute />} />
        <Route element={<RequireAdmin />}>
          <Route element={<AdminLayout />}>
            <Route index element={<Navigate to="orders" replace />} />
            <Route path="orders" element={<OrdersTable />} />
            <Route path="orders/:orderId" element={<OrderRoute />} />
            <Route path="inventory" element={<InventoryRoute />} />
            <Route path="inventory/:productId" element={<InventoryRoute />} />
            <Route path="products" element={<ProductList />} />
            <Route path="products/new" element={<NewProductRoute />} />
            <Route path="products/:productId" element={<EditProductRoute />} />
            <Route path="warehouses" element={<WarehousesRoute />} />
            <Route path="analytics" element={<AnalyticsDashboard />} />
            <Route path="*" element={<NotFoundRoute />} />
          </Route>
        </Route>
      </Routes>
    </GraphqlProvider>
  );
}

function LoginRoute() {
  const navigate = useNavigate();
  const [params] = useSearchParams();
  const next = params.get('next');
  return <LoginForm onSignedIn={() => void navigate(next?.startsWith('/admin') ? next : '/admin/orders', { replace: true })} />;
}

/** Signed in with a live token, or off to the login page (and back here afterwards). */
function RequireAdmin() {
  const location = useLocation();
  const session = useAdminSession();
  const live = hasLiveSession(session);

  // Sign out when the token runs out while the page is open.
  useEffect(() => {
    if (!live || !session.expiresAt) return;
    const timer = window.setTimeout(() => useAdminSession.getState().signOut(EXPIRED), Date.parse(session.expiresAt) - Date.now());
    return () => window.clearTimeout(timer);
  }, [live, session.expiresAt]);

  if (!live) {
    const next = encodeURIComponent(location.pathname + location.search);
    return <Navigate to={`/admin/login?next=${next}`} replace />;
  }
  return <Outlet />;
}

const links = [
  { to: 'orders', label: 'Orders' },
  { to: 'inventory', label: 'Inventory' },
  { to: 'products', label: 'Products' },
  { to: 'warehouses', label: 'Warehouses' },
  { to: 'analytics', label: 'Analytics' },
];

function AdminLayout() {
  const username = useAdminSession((state) => state.username);
  const signOut = useAdminSession((state) => state.signOut);
  return (
    <div className="flex min-h-dvh flex-col bg-stone-100">
      <header className="border-b border-stone-800 bg-stone-900 text-stone-100">
        <div className="mx-auto flex max-w-7xl flex-wrap items-center justify-between gap-x-6 gap-y-2 px-4 py-3">
          <span className="font-semibold">Trailhead admin</span>
          <nav aria-label="Admin" className="order-3 -mx-4 w-full overflow-x-auto px-4 sm:order-none sm:mx-0 sm:w-auto sm:px-0">
            <ul className="flex gap-1">
              {links.map((link) => (
                <li key={link.to}>
                  <NavLink
                    to={`/admin/${link.to}`}
                    className={({ isActive }) =>
                      cn('inline-flex h-9 items-center rounded-md px-3 text-sm', isActive ? 'bg-stone-700 text-white' : 'text-stone-300 hover:bg-stone-800')
                    }
                  >
                    {link.label}
                  </NavLink>
                </li>
              ))}
            </ul>
          </nav>
          <div className="flex items-center gap-3 text-sm">
            <span className="text-stone-400">{username}</span>
            <button
              type="button"
              className="h-8 rounded-md px-3 text-stone-100 hover:bg-stone-800 focus-visible:outline-2 focus-visible:outline-emerald-400"
              onClick={() => signOut('You are signed out.')}
            >
              Sign out
            </button>
          </div>
        </div>
      </header>
      <main className="mx-auto w-full max-w-7xl flex-1 px-4 py-6">
        <Outlet />
      </main>
    </div>
  );
}

function OrderRoute() {
  const { orderId = '' } = useParams();
  return <AdminOrderDetail key={orderId} orderId={orderId} />;
}

function InventoryRoute() {
  const { productId } = useParams();
  return (
    <Page title="Inventory">
      <div className="grid gap-6 md:grid-cols-[16rem_1fr]">
        <ProductPicker />
        {productId ? <StockEditor key={productId} productId={productId} /> : <p className="text-stone-600">Pick a product to see and edit its stock per warehouse.</p>}
      </div>
    </Page>
  );
}

function WarehousesRoute() {
  return (
    <Page title="Warehouses">
      <div className="grid items-start gap-6 lg:grid-cols-[1fr_26rem]">
        <WarehouseList />
        <WarehouseForm />
      </div>
    </Page>
  );
}

function NewProductRoute() {
  const navigate = useNavigate();
  return <ProductForm onCreated={(id) => void navigate(`/admin/inventory/${id}`)} />;
}

function EditProductRoute() {
  const { productId = '' } = useParams();
  return <ProductEditor key={productId} productId={productId} />;
}

function Page({ title, children }: { title: string; children: ReactNode }) {
  return (
    <div className="flex flex-col gap-6">
      <h1 className="text-2xl font-bold tracking-tight">{title}</h1>
      {children}
    </div>
  );
}
