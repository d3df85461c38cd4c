import { useId, useState } from 'react';

import { cn } from './cn';

type QuantityInputProps = {
  value: number;
  onChange: (quantity: number) => void;
  min?: number;
  max: number;
  label: string;
  /** Shows the label to sighted users too; otherwise it is for screen readers only. */
  showLabel?: boolean;
  className?: string;
};

/** − [n] + with a real number input in the middle, so it works by keyboard, pointer and typing. */
export function QuantityInput({ value, onChange, min = 1, max, label, showLabel = false, className }: QuantityInputProps) {
  const id = useId();
  const [draft, setDraft] = useState(String(value));
  // Follow a value changed from outside (another tab, the +/- buttons) without an effect.
  const [shown, setShown] = useState(value);
  if (shown !== value) {
    setShown(value);
    setDraft(String(value));
  }

  const commit = (raw: string) => {
    const parsed = Number.parseInt(raw, 10);
    if (Number.isNaN(parsed)) {
      setDraft(String(value));
      return;
    }
    const next = Math.min(max, Math.max(min, parsed));
    setDraft(String(next));
    if (next !== value) onChange(next);
  };

  const step = 'flex size-9 items-center justify-center text-lg text-stone-700 hover:bg-stone-100 disabled:text-stone-300';
  return (
    <div className={cn('flex flex-col gap-1', className)}>
      <label htmlFor={id} className={showLabel ? 'text-sm font-medium text-stone-800' : 'sr-only'}>
        {label}
      </label>
      <div className="inline-flex w-fit items-center rounded-md border border-stone-300 bg-white">
        <button
          type="button"
          className={cn(step, 'rounded-l-md')}
          aria-label={`Decrease ${label.toLowerCase()}`}
          disabled={value <= min}
          onClick={() => onChange(Math.max(min, value - 1))}
        >
          −
        </button>
        <input
          id={id}
          type="number"
          inputMode="numeric"
          min={min}
          max={max}
          value={draft}
          onChange={(event) => setDraft(event.target.value)}
          onBlur={(event) => commit(event.target.value)}
          onKeyDown={(event) => {
            if (event.key === 'Enter') commit(event.currentTarget.value);
          }}
          className="h-9 w-12 border-x border-stone-300 text-center text-sm [appearance:textfield] focus:outline-2 focus:outline-emerald-600 [&::-webkit-inner-spin-button]:appearance-none"
        />
        <button
          type="button"
          className={cn(step, 'rounded-r-md')}
          aria-label={`Increase ${label.toLowerCase()}`}
          disabled={value >= max}
          onClick={() => onChange(Math.min(max, value + 1))}
        >
          +
        </button>
      </div>
    </div>
  );
}
