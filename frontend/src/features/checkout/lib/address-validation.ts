/** The shipping step's form, as the shopper types it. */
export type ShippingForm = {
  email: string;
  name: string;
  line1: string;
  line2: string;
  city: string;
  region: string;
  postalCode: string;
  country: string;
};

export type ShippingField = keyof ShippingForm;
export type ShippingErrors = Partial<Record<ShippingField, string>>;

export const emptyShippingForm: ShippingForm = {
  email: '',
  name: '',
  line1: '',
  line2: '',
  city: '',
  region: '',
  postalCode: '',
  country: 'US',
};

/** Field order on the page: the first invalid one gets the focus. */
export const SHIPPING_FIELDS: readonly ShippingField[] = ['email', 'name', 'line1', 'line2', 'city', 'region', 'postalCode', 'country'];

// The same rules as the API (commerce/validation.py), so the shopper hears about a problem before a round trip.
const EMAIL = /^[^@\s]+@[^@\s]+\.[^@\s.]{2,}$/;
const POSTAL_CODE = /^[A-Za-z0-9][A-Za-z0-9 -]{1,9}$/;
const COUNTRY = /^[A-Z]{2}$/;
const LIMITS: Partial<Record<ShippingField, number>> = { name: 100, line1: 200, line2: 200, city: 100, region: 100, email: 254 };

const REQUIRED: Partial<Record<ShippingField, string>> = {
  email: 'Enter your email address',
  name: 'Enter the name of the person receiving the parcel',
  line1: 'Enter the street address',
  city: 'Enter the town or city',
  postalCode: 'Enter the postal code',
  country: 'Choose a country',
};

export function validateShipping(form: ShippingForm): ShippingErrors {
  const errors: ShippingErrors = {};
  for (const field of SHIPPING_FIELDS) {
    const value = form[field].trim();
    const required = REQUIRED[field];
    const limit = LIMITS[field];
    if (required && !value) errors[field] = required;
    else if (limit && form[field].length > limit) errors[field] = `Use at most ${limit} characters`;
  }
  if (!errors.email && !EMAIL.test(form.email.trim())) errors.email = 'Enter an email address like name@example.com';
  if (!errors.postalCode && !POSTAL_CODE.test(form.postalCode.trim())) {
    errors.postalCode = 'Enter a valid postal code (letters, digits, spaces or hyphens)';
  }
  if (!errors.country && !COUNTRY.test(form.country.trim())) errors.country = 'Choose a country';
  return errors;
}

/** The API's field paths (`shippingAddress.postalCode`, `email`) as this form's fields. */
export function shippingFieldOf(path: string | null | undefined): ShippingField | null {
  if (!path) return null;
  const name = path.startsWith('shippingAddress.') ? path.slice('shippingAddress.'.length) : path;
  return (SHIPPING_FIELDS as readonly string[]).includes(name) ? (name as ShippingField) : null;
}

/** The address as the API takes it, trimmed. */
export function toAddressInput(form: ShippingForm) {
  return {
    name: form.name.trim(),
    line1: form.line1.trim(),
    line2: form.line2.trim(),
    city: form.city.trim(),
    region: form.region.trim(),
    postalCode: form.postalCode.trim(),
    country: form.country.trim(),
  };
}
