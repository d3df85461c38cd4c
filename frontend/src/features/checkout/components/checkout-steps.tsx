import { cn } from '@/components/ui/cn';

const STEPS = ['Shipping', 'Payment'] as const;

export function CheckoutSteps({ current }: { current: (typeof STEPS)[number] }) {
  const currentIndex = STEPS.indexOf(current);
  return (
    <nav aria-label="Checkout steps">
      <ol className="flex items-center gap-3 text-sm">
        {STEPS.map((step, index) => (
          <li key={step} className="flex items-center gap-3" aria-current={index === currentIndex ? 'step' : undefined}>
            <span
              className={cn(
                'flex size-7 items-center justify-center rounded-full text-xs font-semibold',
                index < currentIndex && 'bg-emerald-100 text-emerald-800',
                index === currentIndex && 'bg-emerald-700 text-white',
                index > currentIndex && 'bg-stone-200 text-stone-600',
              )}
            >
              {index < currentIndex ? '✓' : index + 1}
            </span>
            <span className={cn(index === currentIndex ? 'font-semibold text-stone-900' : 'text-stone-600')}>{step}</span>
            {index < STEPS.length - 1 ? <span aria-hidden="true" className="h-px w-8 bg-stone-300" /> : null}
          </li>
        ))}
      </ol>
    </nav>
  );
}
