import { Link, NavLink, Outlet, ScrollRestoration } from 'react-router';

import { cn } from '@/components/ui/cn';
import { selectItemCount, useCart } from '@/stores/cart';

const navLink = ({ isActive }: { isActive: boolean }) =>
  cn(
    'inline-flex h-10 items-center rounded-md px-3 text-sm font-medium',
    'focus-visible:outline-2 focus-visible:outline-emerald-600',
    isActive ? 'text-emerald-800' : 'text-stone-700 hover:bg-stone-100',
  );

export function ShopLayout() {
  const count = useCart(selectItemCount);
  return (
    <div className="flex min-h-dvh flex-col">
      <a href="#main" className="sr-only focus:not-sr-only focus:absolute focus:top-2 focus:left-2 focus:z-50 focus:rounded focus:bg-white focus:p-2">
        Skip to content
      </a>
      <header className="sticky top-0 z-40 border-b border-stone-200 bg-white/95 backdrop-blur">
        <div className="mx-auto flex h-16 max-w-6xl items-center justify-between gap-4 px-4">
          <Link to="/" className="flex items-center gap-2 font-semibold tracking-tight text-stone-900">
            <svg viewBox="0 0 32 32" aria-hidden="true" className="size-7">
              <rect width="32" height="32" rx="7" fill="#047857" />
              <path d="M6 23 13.5 10l4.5 7.5 2.5-4L26 23z" fill="#ecfdf5" />
            </svg>
            <span className="hidden min-[420px]:inline">Trailhead Supply</span>
          </Link>
          <nav aria-label="Main" className="flex items-center gap-1">
            <NavLink to="/" end className={navLink}>
              Shop
            </NavLink>
            <NavLink to="/orders" className={navLink}>
              Orders
            </NavLink>
            <NavLink to="/cart" className={navLink} aria-label={`Cart, ${count} ${count === 1 ? 'item' : 'items'}`}>
              <svg viewBox="0 0 20 20" aria-hidden="true" className="size-5 fill-current">
                <path d="M1 1.75A.75.75 0 0 1 1.75 1h1.63c.85 0 1.58.6 1.74 1.43L5.3 3.5h11.95a.75.75 0 0 1 .73.92l-1.5 6.5a.75.75 0 0 1-.73.58H6.9l.3 1.5h8.55a.75.75 0 0 1 0 1.5H6.58a.75.75 0 0 1-.74-.6L3.65 2.72a.25.25 0 0 0-.24-.22H1.75A.75.75 0 0 1 1 1.75ZM6 17.5a1.5 1.5 0 1 1 3 0 1.5 1.5 0 0 1-3 0Zm8-1.5a1.5 1.5 0 1 0 0 3 1.5 1.5 0 0 0 0-3Z" />
              </svg>
              <span className="ml-1">Cart</span>
              {count > 0 ? (
                <span data-testid="cart-count" className="ml-1.5 inline-flex min-w-5 items-center justify-center rounded-full bg-emerald-700 px-1.5 text-xs font-semibold text-white">
                  {count}
                </span>
              ) : null}
            </NavLink>
          </nav>
        </div>
      </header>
      <main id="main" tabIndex={-1} className="mx-auto w-full max-w-6xl flex-1 px-4 py-6 outline-none sm:py-8">
        <Outlet />
      </main>
      <footer className="border-t border-stone-200 bg-white">
        <div className="mx-auto flex max-w-6xl flex-col gap-1 px-4 py-6 text-xs text-stone-500 sm:flex-row sm:justify-between">
          <span>Trailhead Supply · ships from Newark, Dallas and Reno</span>
          <span>Payments by Stripe. We never see your card.</span>
        </div>
      </footer>
      <ScrollRestoration />
    </div>
  );
}
