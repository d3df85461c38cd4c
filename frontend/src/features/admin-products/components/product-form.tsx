import { useState, type FormEvent } from 'react';
import { Link } from 'react-router';
import { toast } from 'sonner';
import { useMutation, useQuery } from 'urql';

import { Alert } from '@/components/ui/alert';
import { Button } from '@/components/ui/button';
import { EmptyState } from '@/components/ui/empty-state';
import { TextAreaField, TextField } from '@/components/ui/field';
import { Spinner } from '@/components/ui/spinner';
import type { AdminProductFieldsFragment, UpdateProductInput } from '@/gql/graphql';
import { useDocumentTitle } from '@/lib/use-document-title';
import { errorsByField, withLabel } from '@/lib/user-errors';

import { AdminProductQuery } from '../api/get-product';
import { CreateProductMutation, UpdateProductMutation } from '../api/product-mutations';

type Draft = {
  sku: string;
  name: string;
  category: string;
  price: string;
  description: string;
  imageUrl: string;
  lowStockThreshold: string;
};

const LABELS: Record<keyof Draft, string> = {
  sku: 'SKU',
  name: 'Name',
  category: 'Category',
  price: 'Price (USD)',
  description: 'Description',
  imageUrl: 'Image URL',
  lowStockThreshold: 'Low-stock threshold',
};

const draftOf = (product: AdminProductFieldsFragment | null): Draft => ({
  sku: product?.sku ?? '',
  name: product?.name ?? '',
  category: product?.category ?? '',
  price: product ? (product.price.amount / 100).toFixed(2) : '',
  description: product?.description ?? '',
  imageUrl: product?.imageUrl ?? '',
  lowStockThreshold: String(product?.lowStockThreshold ?? 5),
});

/** "12.5" → 1250 cents; null when it is not an amount. */
export function parseDollars(text: string): number | null {
  if (!/^\d+(\.\d{1,2})?$/.test(text.trim())) return null;
  return Math.round(Number(text.trim()) * 100);
}

function validate(draft: Draft): Partial<Record<keyof Draft, string>> {
  const errors: Partial<Record<keyof Draft, string>> = {};
  for (const field of ['sku', 'name', 'category'] as const) if (!draft[field].trim()) errors[field] = `Enter the ${LABELS[field].toLowerCase()}`;
  if (parseDollars(draft.price) === null) errors.price = 'Enter a price like 12.50';
  if (!/^\d+$/.test(draft.lowStockThreshold.trim())) errors.lowStockThreshold = 'Enter a whole number of units';
  return errors;
}

/** The API's field paths (`price.amount`, `input.sku`) as this form's fields. */
function fieldOf(path: string): keyof Draft | '' {
  const name = path.replace(/^input\./, '').split('.')[0] ?? '';
  return name in LABELS ? (name as keyof Draft) : '';
}

export function ProductEditor({ productId }: { productId: string }) {
  const [{ data, fetching, error }] = useQuery({ query: AdminProductQuery, variables: { id: productId }, requestPolicy: 'network-only' });
  if (fetching && !data) return <Spinner label="Loading the product…" />;
  if (error && !data) return <Alert>The product could not be loaded.</Alert>;
  const product = data?.inventory?.product;
  if (!product) return <EmptyState title="No such product">It may have been removed.</EmptyState>;
  return <ProductForm key={product.version} product={product} />;
}

export function ProductForm({ product = null, onCreated }: { product?: AdminProductFieldsFragment | null; onCreated?: (id: string) => void }) {
  useDocumentTitle(product ? `Edit ${product.name} · Admin` : 'New product · Admin');
  const [draft, setDraft] = useState<Draft>(() => draftOf(product));
  const [errors, setErrors] = useState<Partial<Record<keyof Draft, string>>>({});
  const [formError, setFormError] = useState<string | null>(null);
  const [creation, create] = useMutation(CreateProductMutation);
  const [update, save] = useMutation(UpdateProductMutation);
  const busy = creation.fetching || update.fetching;

  const field = (name: keyof Draft) => ({
    label: LABELS[name],
    name,
    value: draft[name],
    error: errors[name],
    onChange: (event: { target: { value: string } }) => {
      setDraft({ ...draft, [name]: event.target.value });
      setErrors({ ...errors, [name]: undefined });
    },
  });

  const onSubmit = async (event: FormEvent) => {
    event.preventDefault();
    if (busy) return;
    const found = validate(draft);
    setErrors(found);
    setFormError(null);
    if (Object.keys(found).length > 0) return;
    const values = {
      sku: draft.sku.trim(),
      name: draft.name.trim(),
      category: draft.category.trim().toLowerCase(),
      price: { amount: parseDollars(draft.price) ?? 0, currency: product?.price.currency ?? 'USD' },
      description: draft.description.trim(),
      imageUrl: draft.imageUrl.trim(),
      lowStockThreshold: Number(draft.lowStockThreshold),
    };
    const context = { additionalTypenames: ['AdminProduct', 'AdminProductConnection'] };
    let payload;
    if (product) {
      // Only what changed: another admin's edits to other fields are kept.
      const changes: UpdateProductInput = {};
      const before = draftOf(product);
      if (draft.sku !== before.sku) changes.sku = values.sku;
      if (draft.name !== before.name) changes.name = values.name;
      if (draft.category !== before.category) changes.category = values.category;
      if (draft.price !== before.price) changes.price = values.price;
      if (draft.description !== before.description) changes.description = values.description;
      if (draft.imageUrl !== before.imageUrl) changes.imageUrl = values.imageUrl;
      if (draft.lowStockThreshold !== before.lowStockThreshold) changes.lowStockThreshold = values.lowStockThreshold;
      if (Object.keys(changes).length === 0) {
        toast.info('Nothing changed.');
        return;
      }
      payload = (await save({ id: product.id, input: changes }, context)).data?.updateProduct;
    } else {
      payload = (await create({ input: values }, context)).data?.createProduct;
    }
    if (!payload) {
      setFormError('The product could not be saved. Try again.');
      return;
    }
    if (payload.errors.length > 0 || !payload.product) {
      const byField = errorsByField(payload.errors);
      const next: Partial<Record<keyof Draft, string>> = {};
      const general: string[] = [];
      for (const [path, message] of Object.entries(byField)) {
        const name = fieldOf(path);
        if (name) next[name] = withLabel(LABELS[name], message);
        else general.push(message);
      }
      setErrors(next);
      setFormError(general.join(' ') || null);
      return;
    }
    toast.success(product ? `Saved ${payload.product.name}.` : `Created ${payload.product.name}. Add stock to put it on sale.`);
    if (!product) onCreated?.(payload.product.id);
  };

  return (
    <div className="flex max-w-2xl flex-col gap-6">
      <nav aria-label="Breadcrumb" className="text-sm">
        <Link to="/admin/products" className="text-emerald-800 hover:underline">
          ← Products
        </Link>
      </nav>
      <h1 className="text-2xl font-bold tracking-tight">{product ? `Edit ${product.name}` : 'New product'}</h1>
      {product && !product.active ? <Alert tone="warning">This product is deactivated: it is not on sale.</Alert> : null}
      {formError ? <Alert>{formError}</Alert> : null}
      <form noValidate onSubmit={(event) => void onSubmit(event)} className="grid gap-4 rounded-lg border border-stone-200 bg-white p-6 sm:grid-cols-2">
        <TextField {...field('name')} containerClassName="sm:col-span-2" />
        <TextField {...field('sku')} autoCapitalize="characters" />
        <TextField {...field('category')} hint="e.g. outdoors" />
        <TextField {...field('price')} inputMode="decimal" />
        <TextField {...field('lowStockThreshold')} inputMode="numeric" />
        <TextField {...field('imageUrl')} optional containerClassName="sm:col-span-2" />
        <TextAreaField {...field('description')} containerClassName="sm:col-span-2" />
        <div className="flex justify-end sm:col-span-2">
          <Button type="submit" loading={busy} loadingText="Saving…">
            {product ? 'Save changes' : 'Create product'}
          </Button>
        </div>
      </form>
    </div>
  );
}
