import { Badge } from '@/components/ui/badge';
import type { StockState } from '@/gql/graphql';

export function StockBadge({ state, available }: { state: StockState; available: number }) {
  switch (state) {
    case 'IN_STOCK':
      return <Badge tone="green">In stock</Badge>;
    case 'LOW_STOCK':
      return <Badge tone="amber">Low stock: {available} left</Badge>;
    case 'OUT_OF_STOCK':
      return <Badge tone="gray">Out of stock</Badge>;
  }
}
