// @vitest-environment node
import { describe, expect, it } from 'vitest';

import { emptyShippingForm, shippingFieldOf, validateShipping, type ShippingForm } from './address-validation';

const valid: ShippingForm = {
  email: 'ada@example.com',
  name: 'Ada Lovelace',
  line1: '1 Analytical Way',
  line2: '',
  city: 'Austin',
  region: 'TX',
  postalCode: '78701',
  country: 'US',
};

describe('validateShipping', () => {
  it('accepts a complete address', () => {
    expect(validateShipping(valid)).toEqual({});
  });

  it('asks for every required field of an empty form, and not for the optional ones', () => {
    const errors = validateShipping({ ...emptyShippingForm, country: '' });
    expect(Object.keys(errors).sort()).toEqual(['city', 'country', 'email', 'line1', 'name', 'postalCode']);
  });

  it('treats whitespace as empty', () => {
    expect(validateShipping({ ...valid, city: '   ' }).city).toBe('Enter the town or city');
  });

  it.each(['ada', 'ada@example', 'ada@@example.com', 'ada @example.com', 'ada@example.c'])('refuses the email %s', (email) => {
    expect(validateShipping({ ...valid, email }).email).toMatch(/like name@example.com/);
  });

  it.each(['SW1A 1AA', '10115', 'K1A-0B1'])('accepts the postal code %s', (postalCode) => {
    expect(validateShipping({ ...valid, postalCode }).postalCode).toBeUndefined();
  });

  it.each(['1', '-1234', '12345678901', '123#4'])('refuses the postal code %s', (postalCode) => {
    expect(validateShipping({ ...valid, postalCode }).postalCode).toMatch(/valid postal code/);
  });

  it('wants a two-letter country code', () => {
    expect(validateShipping({ ...valid, country: 'USA' }).country).toBe('Choose a country');
  });

  it('enforces the API length limits', () => {
    expect(validateShipping({ ...valid, name: 'x'.repeat(101) }).name).toBe('Use at most 100 characters');
  });
});

describe('shippingFieldOf', () => {
  it('maps the API field paths to form fields', () => {
    expect(shippingFieldOf('shippingAddress.postalCode')).toBe('postalCode');
    expect(shippingFieldOf('email')).toBe('email');
    expect(shippingFieldOf('lines.0.quantity')).toBeNull();
    expect(shippingFieldOf(null)).toBeNull();
  });
});
