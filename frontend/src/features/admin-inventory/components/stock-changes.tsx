import { Badge } from '@/components/ui/badge';
import type { InventoryQuery as InventoryResult } from '@/gql/graphql';
import { formatDateTime } from '@/lib/dates';

export type StockChange = NonNullable<InventoryResult['inventory']>['adjustments']['edges'][number]['node'];

/** A split the product made itself when DynamoDB found the unsplit item contended (commerce/hot_stock.py's AUTO_SPLIT_BY). */
export const isAutomatic = (change: Pick<StockChange, 'by'>) => change.by.startsWith('automatic');

/** One entry of the audit trail in plain words; a split or a merge moves units between items and changes no total. */
export function describeChange(change: StockChange): string {
  if (change.kind === 'SPLIT') {
    const over = change.shardsAfter ? ` over ${change.shardsAfter} shards` : '';
    return isAutomatic(change) ? `Split automatically (the item was contended)${over}` : `Split${over} for a sale`;
  }
  if (change.kind === 'MERGE') {
    return change.shardsBefore ? `Merged ${change.shardsBefore} shards back into one item` : 'Merged back into one item';
  }
  return `${change.before} → ${change.after}`;
}

/**
 * The warehouses whose latest split or merge in `changes` (newest first) is a split the product made itself: their
 * shards stay until an admin merges them. Only the changes read are known, so an older automatic split is not seen.
 */
export function automaticallySplit(changes: readonly StockChange[]): Set<string> {
  const latest = new Map<string, StockChange>();
  for (const change of changes) {
    if (change.kind !== 'ADJUSTMENT' && !latest.has(change.warehouseId)) latest.set(change.warehouseId, change);
  }
  return new Set([...latest.values()].filter((change) => change.kind === 'SPLIT' && isAutomatic(change)).map((change) => change.warehouseId));
}

/** The product's recent stock changes (adjustments, splits, merges), newest first, with who made them and when. */
export function StockChanges({ changes, warehouseName }: { changes: readonly StockChange[]; warehouseName: (id: string) => string }) {
  return (
    <section aria-labelledby="adjustments-title" className="flex flex-col gap-2">
      <h3 id="adjustments-title" className="font-semibold">
        Recent changes
      </h3>
      {changes.length === 0 ? (
        <p className="text-sm text-stone-600">No one has changed this product’s stock yet.</p>
      ) : (
        <ul aria-labelledby="adjustments-title" className="divide-y divide-stone-100 rounded-lg border border-stone-200 bg-white text-sm">
          {changes.map((change) => (
            <li key={change.id} className="flex flex-col gap-0.5 px-4 py-2 sm:flex-row sm:items-center sm:justify-between">
              <span>
                {warehouseName(change.warehouseId)}: {describeChange(change)}
                {change.kind === 'SPLIT' && isAutomatic(change) ? (
                  <Badge tone="amber" className="ml-2">
                    automatic
                  </Badge>
                ) : null}
                {change.kind === 'ADJUSTMENT' ? null : (
                  <span className="text-stone-600">
                    {' '}
                    · units unchanged: {change.before} available{change.reserved ? `, ${change.reserved} reserved` : ''}
                  </span>
                )}
                {change.note ? <span className="text-stone-600"> · {change.note}</span> : null}
              </span>
              <span className="text-xs text-stone-500">
                {change.by} · {formatDateTime(change.at)} · v{change.version}
              </span>
            </li>
          ))}
        </ul>
      )}
    </section>
  );
}
