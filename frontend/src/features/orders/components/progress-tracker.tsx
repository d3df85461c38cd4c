import { cn } from '@/components/ui/cn';
import type { OrderStatus } from '@/gql/graphql';

const STEPS: { label: string; reachedAt: OrderStatus[] }[] = [
  { label: 'Placed', reachedAt: ['PENDING_PAYMENT', 'PAYMENT_FAILED', 'AUTHORIZED', 'RESERVED', 'CAPTURED', 'SHIPPED', 'FULFILLED'] },
  { label: 'Paid', reachedAt: ['AUTHORIZED', 'RESERVED', 'CAPTURED', 'SHIPPED', 'FULFILLED'] },
  { label: 'Packed', reachedAt: ['RESERVED', 'CAPTURED', 'SHIPPED', 'FULFILLED'] },
  { label: 'Shipped', reachedAt: ['SHIPPED', 'FULFILLED'] },
  { label: 'Complete', reachedAt: ['FULFILLED'] },
];

/** Placed → Paid → Packed → Shipped → Complete, for orders on the happy path. */
export function ProgressTracker({ status }: { status: OrderStatus }) {
  const reached = STEPS.filter((step) => step.reachedAt.includes(status)).length;
  return (
    <ol aria-label="Order progress" className="grid grid-cols-5 gap-1 sm:gap-2">
      {STEPS.map((step, index) => {
        const done = index < reached;
        const current = index === reached - 1;
        return (
          <li key={step.label} aria-current={current ? 'step' : undefined} className="flex flex-col gap-2">
            <span className={cn('h-1.5 rounded-full', done ? 'bg-emerald-600' : 'bg-stone-200')} />
            <span className={cn('text-xs sm:text-sm', done ? 'font-medium text-stone-900' : 'text-stone-500')}>
              {step.label}
              <span className="sr-only">{done ? ' (done)' : ' (not yet)'}</span>
            </span>
          </li>
        );
      })}
    </ol>
  );
}
