import type { ShipmentFieldsFragment } from '@/gql/graphql';
import { formatDay } from '@/lib/dates';

export function ShipmentList({ shipments }: { shipments: readonly ShipmentFieldsFragment[] }) {
  return (
    <ul className="flex flex-col gap-3">
      {shipments.map((shipment, index) => (
        <li key={shipment.id} className="rounded-md border border-stone-200 p-4 text-sm">
          <p className="font-medium">
            {shipments.length > 1 ? `Parcel ${index + 1} of ${shipments.length}: ` : 'Parcel: '}
            {shipment.carrier}
          </p>
          <dl className="mt-2 grid grid-cols-[auto_1fr] gap-x-4 gap-y-1">
            <dt className="text-stone-600">Tracking number</dt>
            {/* A USPS number is 22 digits: on a phone it must be able to wrap rather than push the page sideways. */}
            <dd className="min-w-0">
              <a href={shipment.trackingUrl} target="_blank" rel="noopener noreferrer" className="font-mono break-all text-emerald-800 underline">
                {shipment.trackingNumber}
              </a>
            </dd>
            <dt className="text-stone-600">Estimated delivery</dt>
            <dd>{formatDay(shipment.estimatedDelivery)}</dd>
          </dl>
        </li>
      ))}
    </ul>
  );
}
