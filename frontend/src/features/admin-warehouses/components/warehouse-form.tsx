import { useRef, useState, type FormEvent } from 'react';
import { toast } from 'sonner';
import { useMutation } from 'urql';

import { Alert } from '@/components/ui/alert';
import { Button } from '@/components/ui/button';
import { TextField } from '@/components/ui/field';
import type { CreateWarehouseMutation as CreateWarehouseResult } from '@/gql/graphql';
import { errorsByField, withLabel } from '@/lib/user-errors';

import { CreateWarehouseMutation } from '../api/create-warehouse';

type Draft = { name: string; id: string; region: string; latitude: string; longitude: string };
type Created = NonNullable<CreateWarehouseResult['createWarehouse']['warehouse']>;

const EMPTY: Draft = { name: '', id: '', region: '', latitude: '', longitude: '' };

const LABELS: Record<keyof Draft, string> = {
  name: 'Name',
  id: 'ID',
  region: 'Region',
  latitude: 'Latitude',
  longitude: 'Longitude',
};

const LIMITS = { latitude: 90, longitude: 180 };

/** "Seattle fulfillment center" → "wh-seattle-fulfillment-center": a starting point the admin may change. */
export function suggestId(name: string): string {
  const slug = name
    .normalize('NFKD')
    .replace(/[\u0300-\u036f]/g, '') // the accents NFKD splits off: "ü" → "u"
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-+|-+$/g, '');
  return slug ? `wh-${slug}`.slice(0, 64).replace(/-+$/, '') : '';
}

/** Decimal degrees within ±limit; null when the text is not one. */
export function parseDegrees(text: string, limit: number): number | null {
  if (!/^[-+]?\d{1,3}(\.\d+)?$/.test(text.trim())) return null;
  const degrees = Number(text.trim());
  return Math.abs(degrees) <= limit ? degrees : null;
}

function validate(draft: Draft): Partial<Record<keyof Draft, string>> {
  const errors: Partial<Record<keyof Draft, string>> = {};
  for (const field of ['name', 'id', 'region'] as const) {
    if (!draft[field].trim()) errors[field] = `Enter the ${field === 'id' ? 'ID' : LABELS[field].toLowerCase()}`;
  }
  for (const field of ['latitude', 'longitude'] as const) {
    if (parseDegrees(draft[field], LIMITS[field]) === null) {
      errors[field] = `Enter decimal degrees between -${LIMITS[field]} and ${LIMITS[field]}`;
    }
  }
  return errors;
}

/** A new warehouse: stock can be put there, and orders ship from it, as soon as it is created. */
export function WarehouseForm({ onCreated }: { onCreated?: (warehouse: Created) => void }) {
  const [draft, setDraft] = useState<Draft>(EMPTY);
  // The ID follows the name until the admin types an ID of their own.
  const [idTouched, setIdTouched] = useState(false);
  const [errors, setErrors] = useState<Partial<Record<keyof Draft, string>>>({});
  const [formError, setFormError] = useState<string | null>(null);
  const [{ fetching }, create] = useMutation(CreateWarehouseMutation);
  const sending = useRef(false);

  const field = (name: keyof Draft) => ({
    label: LABELS[name],
    name,
    value: draft[name],
    error: errors[name],
    onChange: (event: { target: { value: string } }) => {
      const value = event.target.value;
      const next = { ...draft, [name]: value };
      const cleared = { ...errors, [name]: undefined };
      if (name === 'name' && !idTouched) {
        next.id = suggestId(value);
        cleared.id = undefined;
      }
      if (name === 'id') setIdTouched(value !== '');
      setDraft(next);
      setErrors(cleared);
    },
  });

  const onSubmit = async (event: FormEvent) => {
    event.preventDefault();
    if (sending.current) return;
    const found = validate(draft);
    setErrors(found);
    setFormError(null);
    if (Object.keys(found).length > 0) return;
    sending.current = true;
    const input = {
      id: draft.id.trim().toLowerCase(),
      name: draft.name.trim(),
      region: draft.region.trim().toLowerCase(),
      latitude: parseDegrees(draft.latitude, LIMITS.latitude) ?? 0,
      longitude: parseDegrees(draft.longitude, LIMITS.longitude) ?? 0,
    };
    // The list holds no Warehouse yet on a fresh stack: name the type so it is fetched again all the same.
    const result = await create({ input }, { additionalTypenames: ['Warehouse'] });
    sending.current = false;
    const payload = result.data?.createWarehouse;
    if (!payload) {
      setFormError('The warehouse could not be created. Try again.');
      return;
    }
    if (payload.errors.length > 0 || !payload.warehouse) {
      const next: Partial<Record<keyof Draft, string>> = {};
      const general: string[] = [];
      for (const [path, message] of Object.entries(errorsByField(payload.errors))) {
        const name = path.replace(/^input\./, '');
        if (name in LABELS) next[name as keyof Draft] = withLabel(LABELS[name as keyof Draft], message);
        else general.push(message);
      }
      setErrors(next);
      setFormError(general.join(' ') || null);
      return;
    }
    toast.success(`Created ${payload.warehouse.name}. Stock products there from Inventory.`);
    setDraft(EMPTY);
    setIdTouched(false);
    onCreated?.(payload.warehouse);
  };

  return (
    <section aria-labelledby="new-warehouse-title" className="flex flex-col gap-4 rounded-lg border border-stone-200 bg-white p-6">
      <h2 id="new-warehouse-title" className="text-lg font-semibold">
        New warehouse
      </h2>
      {formError ? <Alert>{formError}</Alert> : null}
      <form noValidate onSubmit={(event) => void onSubmit(event)} className="grid gap-4 sm:grid-cols-2">
        <TextField {...field('name')} containerClassName="sm:col-span-2" />
        <TextField {...field('id')} hint="e.g. wh-seattle; stock and shipments name it, so it cannot change" autoCapitalize="none" spellCheck={false} />
        <TextField {...field('region')} hint="e.g. us-west" autoCapitalize="none" />
        {/* No inputMode="decimal": phone keypads for it have no minus sign, and half the world is negative. */}
        <TextField {...field('latitude')} hint="Decimal degrees, e.g. 47.6062" />
        <TextField {...field('longitude')} hint="Decimal degrees, e.g. -122.3321" />
        <p className="text-xs text-stone-500 sm:col-span-2">Orders ship from the nearest warehouse that holds everything they need, from the moment it exists.</p>
        <div className="flex justify-end sm:col-span-2">
          <Button type="submit" loading={fetching} loadingText="Creating…">
            Create warehouse
          </Button>
        </div>
      </form>
    </section>
  );
}
