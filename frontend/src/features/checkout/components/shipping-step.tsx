import { useRef, useState, type FormEvent } from 'react';
import { Link, useNavigate } from 'react-router';
import { toast } from 'sonner';
import { useMutation } from 'urql';

import { Alert } from '@/components/ui/alert';
import { Button, ButtonLink } from '@/components/ui/button';
import { EmptyState } from '@/components/ui/empty-state';
import { SelectField, TextField } from '@/components/ui/field';
import { formatMoney, multiply } from '@/lib/money';
import { withLabel } from '@/lib/user-errors';
import { cartSubtotal, useCart } from '@/stores/cart';
import { useOrderAccess } from '@/stores/order-access';

import { PlaceOrderMutation } from '../api/place-order';
import {
  SHIPPING_FIELDS,
  shippingFieldOf,
  toAddressInput,
  validateShipping,
  type ShippingErrors,
  type ShippingField,
  type ShippingForm,
} from '../lib/address-validation';
import { orderFingerprint, useCheckoutSession } from '../lib/checkout-session';
import { COUNTRIES } from '../lib/countries';
import { CheckoutSteps } from './checkout-steps';

const LABELS: Record<ShippingField, string> = {
  email: 'Email',
  name: 'Full name',
  line1: 'Address',
  line2: 'Apartment, suite, etc.',
  city: 'City',
  region: 'State / region',
  postalCode: 'Postal code',
  country: 'Country',
};

export function ShippingStep() {
  const navigate = useNavigate();
  const items = useCart((state) => state.items);
  const saveForm = useCheckoutSession((state) => state.setForm);
  const remember = useOrderAccess((state) => state.remember);
  const [, placeOrder] = useMutation(PlaceOrderMutation);
  const [form, setFormState] = useState<ShippingForm>(() => useCheckoutSession.getState().form);
  const [errors, setErrors] = useState<ShippingErrors>({});
  const [lineErrors, setLineErrors] = useState<Record<string, string>>({});
  const [formError, setFormError] = useState<string | null>(null);
  const [submitting, setSubmitting] = useState(false);
  const inFlight = useRef(false);
  const formRef = useRef<HTMLFormElement>(null);

  const update = (field: ShippingField, value: string) => {
    const next = { ...form, [field]: value };
    setFormState(next);
    saveForm(next);
    if (errors[field]) setErrors({ ...errors, [field]: undefined });
  };

  const focusField = (field: ShippingField) => {
    formRef.current?.querySelector<HTMLElement>(`[name="${field}"]`)?.focus();
  };

  const onSubmit = async (event: FormEvent) => {
    event.preventDefault();
    if (inFlight.current) return; // a second Enter or click while the first request runs
    const found = validateShipping(form);
    setErrors(found);
    setFormError(null);
    setLineErrors({});
    const firstInvalid = SHIPPING_FIELDS.find((field) => found[field]);
    if (firstInvalid) {
      focusField(firstInvalid);
      return;
    }

    const address = toAddressInput(form);
    const email = form.email.trim();
    const lines = items.map((item) => ({ productId: item.productId, quantity: item.quantity }));
    const fingerprint = orderFingerprint(email, address, lines);
    const { placed } = useCheckoutSession.getState();
    if (placed?.fingerprint === fingerprint && useOrderAccess.getState().orders[placed.orderId]) {
      // Back from the payment step with nothing changed: the order already exists.
      void navigate(`/checkout/payment/${placed.orderId}`);
      return;
    }

    inFlight.current = true;
    setSubmitting(true);
    try {
      let key = useCheckoutSession.getState().keyFor(fingerprint);
      let result = await placeOrder({ input: { idempotencyKey: key, email, lines, shippingAddress: address } });
      if (result.data?.placeOrder.errors.some((error) => error.code === 'IDEMPOTENCY_KEY_REUSED')) {
        key = useCheckoutSession.getState().rotateKey(fingerprint);
        result = await placeOrder({ input: { idempotencyKey: key, email, lines, shippingAddress: address } });
      }
      const payload = result.data?.placeOrder;
      if (!payload) {
        // Nothing is known about the request: keep the key, so trying again cannot order twice.
        setFormError('We could not reach the shop. Check your connection and try again; you will not be charged twice.');
        return;
      }
      if (payload.errors.length > 0 || !payload.order || !payload.accessToken) {
        const fieldErrors: ShippingErrors = {};
        const perLine: Record<string, string> = {};
        const general: string[] = [];
        for (const error of payload.errors) {
          const field = shippingFieldOf(error.field);
          const lineIndex = /^lines\.(\d+)\./.exec(error.field ?? '')?.[1];
          const line = lineIndex === undefined ? undefined : lines[Number(lineIndex)];
          if (field) fieldErrors[field] ??= withLabel(LABELS[field], error.message);
          else if (line) perLine[line.productId] = error.message;
          else general.push(error.message);
        }
        setErrors(fieldErrors);
        setLineErrors(perLine);
        if (Object.keys(perLine).length > 0) general.unshift('Some items in your cart cannot be ordered as they are.');
        setFormError(general.join(' ') || null);
        const firstField = SHIPPING_FIELDS.find((field) => fieldErrors[field]);
        if (firstField) focusField(firstField);
        return;
      }
      const { order, accessToken } = payload;
      remember({ orderId: order.id, accessToken, email: order.email, total: order.total, placedAt: order.createdAt });
      useCheckoutSession.getState().markPlaced(order.id, fingerprint);
      void navigate(`/checkout/payment/${order.id}`);
    } catch (error) {
      console.error(error);
      toast.error('Something went wrong. Please try again.');
    } finally {
      inFlight.current = false;
      setSubmitting(false);
    }
  };

  const subtotal = cartSubtotal(items);
  if (items.length === 0 || !subtotal) {
    return (
      <EmptyState title="Your cart is empty" action={<ButtonLink to="/">Browse products</ButtonLink>}>
        Add something to your cart to check out.
      </EmptyState>
    );
  }

  const errorCount = Object.values(errors).filter(Boolean).length;
  const field = (name: ShippingField) => ({
    name,
    label: LABELS[name],
    value: form[name],
    error: errors[name],
    onChange: (event: { target: { value: string } }) => update(name, event.target.value),
  });

  return (
    <div className="flex flex-col gap-6">
      <CheckoutSteps current="Shipping" />
      <div className="grid gap-8 lg:grid-cols-[1fr_22rem]">
        <form ref={formRef} noValidate onSubmit={(event) => void onSubmit(event)} className="flex flex-col gap-6" aria-labelledby="shipping-title">
          <h1 id="shipping-title" className="text-2xl font-bold tracking-tight">
            Shipping
          </h1>
          {errorCount > 0 ? (
            <Alert title={errorCount === 1 ? 'Please fix 1 field.' : `Please fix ${errorCount} fields.`}>
              The problems are shown beside each field.
            </Alert>
          ) : null}
          {formError ? <Alert>{formError}</Alert> : null}
          <fieldset className="flex flex-col gap-4">
            <legend className="mb-3 text-base font-semibold">Contact</legend>
            <TextField {...field('email')} type="email" autoComplete="email" inputMode="email" hint="For your order confirmation and shipping updates." />
          </fieldset>
          <fieldset className="grid gap-4 sm:grid-cols-2">
            <legend className="mb-3 text-base font-semibold">Shipping address</legend>
            <TextField {...field('name')} autoComplete="name" containerClassName="sm:col-span-2" />
            <TextField {...field('line1')} autoComplete="address-line1" containerClassName="sm:col-span-2" />
            <TextField {...field('line2')} autoComplete="address-line2" optional containerClassName="sm:col-span-2" />
            <TextField {...field('city')} autoComplete="address-level2" />
            <TextField {...field('region')} autoComplete="address-level1" optional />
            <TextField {...field('postalCode')} autoComplete="postal-code" />
            <SelectField {...field('country')} autoComplete="country">
              {COUNTRIES.map((country) => (
                <option key={country.code} value={country.code}>
                  {country.name}
                </option>
              ))}
            </SelectField>
          </fieldset>
          <div className="flex flex-col-reverse items-stretch gap-3 sm:flex-row sm:items-center sm:justify-between">
            <Link to="/cart" className="text-center text-sm text-emerald-800 hover:underline">
              Back to cart
            </Link>
            <Button type="submit" size="lg" loading={submitting} loadingText="Saving your order…">
              Continue to payment
            </Button>
          </div>
        </form>
        <aside aria-labelledby="summary-title" className="h-fit rounded-lg border border-stone-200 bg-white p-5">
          <h2 id="summary-title" className="text-lg font-semibold">
            Your order
          </h2>
          <ul className="mt-4 flex flex-col gap-3 text-sm">
            {items.map((item) => (
              <li key={item.productId} className="flex flex-col gap-1">
                <div className="flex justify-between gap-3">
                  <span>
                    {item.quantity} × {item.name}
                  </span>
                  <span className="font-medium">{formatMoney(multiply(item.unitPrice, item.quantity))}</span>
                </div>
                {lineErrors[item.productId] ? (
                  <p className="text-red-700">
                    {lineErrors[item.productId]}{' '}
                    <Link to="/cart" className="underline">
                      Change in cart
                    </Link>
                  </p>
                ) : null}
              </li>
            ))}
          </ul>
          <dl className="mt-4 flex flex-col gap-2 border-t border-stone-200 pt-4 text-sm">
            <div className="flex justify-between">
              <dt>Subtotal</dt>
              <dd className="font-semibold">{formatMoney(subtotal)}</dd>
            </div>
            <div className="flex justify-between text-stone-600">
              <dt>Shipping</dt>
              <dd>Next step</dd>
            </div>
          </dl>
        </aside>
      </div>
    </div>
  );
}
