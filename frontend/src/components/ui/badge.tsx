import type { ReactNode } from 'react';

import { cn } from './cn';

export const badgeTones = {
  green: 'bg-emerald-100 text-emerald-800 ring-emerald-600/20',
  amber: 'bg-amber-100 text-amber-900 ring-amber-600/20',
  red: 'bg-red-100 text-red-800 ring-red-600/20',
  gray: 'bg-stone-100 text-stone-700 ring-stone-500/20',
  blue: 'bg-sky-100 text-sky-800 ring-sky-600/20',
};

export type BadgeTone = keyof typeof badgeTones;

export function Badge({ tone = 'gray', children, className }: { tone?: BadgeTone; children: ReactNode; className?: string }) {
  return (
    <span
      className={cn(
        'inline-flex items-center rounded-full px-2 py-0.5 text-xs font-medium whitespace-nowrap ring-1 ring-inset',
        badgeTones[tone],
        className,
      )}
    >
      {children}
    </span>
  );
}
