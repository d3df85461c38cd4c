import type { RefObject } from 'react';

import { Button } from '@/components/ui/button';
import { cn } from '@/components/ui/cn';
import { Spinner } from '@/components/ui/spinner';

import { focusCard, type useCardElement } from '../lib/use-card-element';

type CardFieldProps = {
  container: RefObject<HTMLDivElement | null>;
  element: ReturnType<typeof useCardElement>;
  error: string | null;
};

/** The card Element with a label, a loading state and its error beside it. */
export function CardField({ container, element, error }: CardFieldProps) {
  const { state, retry } = element;
  return (
    <div className="flex flex-col gap-1">
      <span
        id="card-label"
        className="text-sm font-medium text-stone-800"
        onClick={() => {
          if (state.status === 'ready') focusCard(state.card);
        }}
      >
        Card details
      </span>
      <div
        role="group"
        aria-labelledby="card-label"
        aria-describedby={error ? 'card-error' : 'card-hint'}
        className={cn(
          'card-element min-h-11 rounded-md border bg-white px-3 py-2.5 shadow-xs',
          error ? 'border-red-600' : 'border-stone-300',
          state.status !== 'ready' && 'hidden',
        )}
        ref={container}
      />
      {state.status === 'loading' ? (
        <div className="flex min-h-11 items-center rounded-md border border-stone-200 bg-stone-50 px-3 text-sm text-stone-600">
          <Spinner label="Loading the secure card form…" />
        </div>
      ) : null}
      {state.status === 'failed' ? (
        <div role="alert" className="flex flex-wrap items-center gap-3 rounded-md border border-red-200 bg-red-50 px-3 py-2 text-sm text-red-900">
          The secure card form could not load.
          <Button variant="secondary" size="sm" onClick={retry}>
            Try again
          </Button>
        </div>
      ) : null}
      {error ? (
        <p id="card-error" role="alert" className="text-sm text-red-700">
          {error}
        </p>
      ) : (
        <p id="card-hint" className="text-xs text-stone-500">
          Your card details go straight to Stripe; we never see them.
        </p>
      )}
    </div>
  );
}
