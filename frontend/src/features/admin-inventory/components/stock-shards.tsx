import { useState, type FormEvent } from 'react';
import { toast } from 'sonner';
import { useMutation } from 'urql';

import { Badge } from '@/components/ui/badge';
import { Button } from '@/components/ui/button';

import { MergeStockMutation } from '../api/merge-stock';
import { SplitStockMutation } from '../api/split-stock';

/** splitStock's bounds and default (graphql_api/schema.graphql). */
export const MIN_SHARDS = 2;
export const MAX_SHARDS = 32;
export const DEFAULT_SHARDS = 12;

type ShardedLevel = { productId: string; warehouseId: string; shards: number };
type Payload = { errors: readonly { message: string }[] } | undefined;

/**
 * Splitting one warehouse's stock over shard items for a sale (more orders a second than one item takes), and
 * merging them back when the rush ends. Adjusting a split level is refused (merge first), so the row says why.
 */
export function StockShards({
  level,
  warehouse,
  splitAutomatically = false,
  onReload,
}: {
  level: ShardedLevel;
  warehouse: string;
  /** The level's latest split was the product's own, on contention during a rush (not planned by an admin). */
  splitAutomatically?: boolean;
  onReload: () => void;
}) {
  const [choosing, setChoosing] = useState(false);
  const [shards, setShards] = useState(String(DEFAULT_SHARDS));
  const [problem, setProblem] = useState<string | null>(null);
  const [split, splitStock] = useMutation(SplitStockMutation);
  const [merge, mergeStock] = useMutation(MergeStockMutation);
  const problemId = `shards-${level.warehouseId}-problem`;
  const noticeId = `shards-${level.warehouseId}-automatic`;
  const where = { productId: level.productId, warehouseId: level.warehouseId };

  /** The payload's first user error inline, or the success told and the level read again. */
  const settle = (payload: Payload, done: string) => {
    if (!payload) {
      setProblem('The request could not be sent. Try again.');
      return;
    }
    const [error] = payload.errors;
    if (error) {
      setProblem(error.message);
      return;
    }
    setProblem(null);
    setChoosing(false);
    toast.success(done);
    onReload();
  };

  const onSplit = async (event: FormEvent) => {
    event.preventDefault();
    const count = Number(shards);
    if (!Number.isInteger(count) || count < MIN_SHARDS || count > MAX_SHARDS) {
      setProblem(`Enter a whole number of shards from ${MIN_SHARDS} to ${MAX_SHARDS}`);
      return;
    }
    const result = await splitStock({ ...where, shards: count });
    settle(result.data?.splitStock, `${warehouse}: stock split over ${result.data?.splitStock.level?.shards ?? count} shards.`);
  };

  const onMerge = async () => {
    const result = await mergeStock(where);
    settle(result.data?.mergeStock, `${warehouse}: shards merged back into one item.`);
  };

  const problemNote = problem ? (
    <p id={problemId} role="alert" className="rounded-md border border-red-200 bg-red-50 p-2 text-sm text-red-900">
      {problem}
    </p>
  ) : null;

  if (level.shards > 0) {
    return (
      <div className="flex flex-col gap-2">
        <div className="flex flex-wrap items-center gap-2">
          <Badge tone={splitAutomatically ? 'amber' : 'blue'}>split over {level.shards} shards</Badge>
          <Button
            size="sm"
            variant="secondary"
            aria-label={`Merge shards in ${warehouse}`}
            aria-describedby={problem ? problemId : splitAutomatically ? noticeId : undefined}
            loading={merge.fetching}
            onClick={() => void onMerge()}
          >
            Merge shards
          </Button>
        </div>
        {splitAutomatically ? (
          <p id={noticeId} role="note" className="rounded-md border border-amber-200 bg-amber-50 p-2 text-xs text-amber-900">
            Split automatically during a rush: merge it when the rush is over.
          </p>
        ) : null}
        {problemNote}
      </div>
    );
  }

  if (!choosing) {
    return (
      <div className="flex flex-col gap-2">
        <Button
          size="sm"
          variant="ghost"
          className="w-fit"
          aria-label={`Split for a sale in ${warehouse}`}
          onClick={() => {
            setShards(String(DEFAULT_SHARDS));
            setProblem(null);
            setChoosing(true);
          }}
        >
          Split for a sale
        </Button>
        {problemNote}
      </div>
    );
  }

  const inputId = `shards-${level.warehouseId}`;
  return (
    <form
      noValidate
      aria-label={`Split the stock in ${warehouse}`}
      onSubmit={(event) => void onSplit(event)}
      onKeyDown={(event) => event.key === 'Escape' && setChoosing(false)}
      className="flex flex-col gap-2"
    >
      <div className="flex flex-wrap items-center gap-2">
        <label htmlFor={inputId} className="text-xs text-stone-600">
          Shards in {warehouse}
        </label>
        <input
          id={inputId}
          type="number"
          min={MIN_SHARDS}
          max={MAX_SHARDS}
          inputMode="numeric"
          value={shards}
          autoFocus
          aria-invalid={problem ? true : undefined}
          aria-describedby={problem ? problemId : `${inputId}-hint`}
          onChange={(event) => setShards(event.target.value)}
          className="h-8 w-16 rounded-md border border-stone-300 px-2 focus:outline-2 focus:outline-emerald-600"
        />
        <Button type="submit" size="sm" loading={split.fetching}>
          Split
        </Button>
        <Button size="sm" variant="ghost" onClick={() => setChoosing(false)}>
          Cancel
        </Button>
      </div>
      <p id={`${inputId}-hint`} className="text-xs text-stone-500">
        Each shard takes ~250 orders a second. Units can’t be edited until the shards are merged.
      </p>
      {problemNote}
    </form>
  );
}
