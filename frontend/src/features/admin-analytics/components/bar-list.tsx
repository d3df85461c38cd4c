import type { ReactNode } from 'react';

type Bar = { label: ReactNode; value: number; display: string; key: string };

/** Horizontal bars with their labels and values written out: readable without the bars. */
export function BarList({ bars, label, color = 'bg-emerald-600' }: { bars: readonly Bar[]; label: string; color?: string }) {
  const max = Math.max(1, ...bars.map((bar) => bar.value));
  return (
    <ul aria-label={label} className="flex flex-col gap-2">
      {bars.map((bar) => (
        <li key={bar.key} className="grid grid-cols-[minmax(6rem,10rem)_1fr_auto] items-center gap-3 text-sm">
          <span className="truncate text-stone-700">{bar.label}</span>
          <span className="h-3 rounded-full bg-stone-100" aria-hidden="true">
            <span className={`block h-3 rounded-full ${color}`} style={{ width: `${(bar.value / max) * 100}%` }} />
          </span>
          <span className="text-right font-medium tabular-nums">{bar.display}</span>
        </li>
      ))}
    </ul>
  );
}
