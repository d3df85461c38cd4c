export type Money = { amount: number; currency: string };

const formatters = new Map<string, Intl.NumberFormat>();

function formatterFor(currency: string): Intl.NumberFormat {
  let formatter = formatters.get(currency);
  if (!formatter) {
    formatter = new Intl.NumberFormat('en-US', { style: 'currency', currency });
    formatters.set(currency, formatter);
  }
  return formatter;
}

/** Integer minor units (cents) as the currency's usual text: {amount: 4199, currency: 'USD'} → "$41.99". */
export function formatMoney({ amount, currency }: Money): string {
  const formatter = formatterFor(currency);
  const digits = formatter.resolvedOptions().maximumFractionDigits ?? 2;
  return formatter.format(amount / 10 ** digits);
}

export function multiply(money: Money, times: number): Money {
  return { amount: money.amount * times, currency: money.currency };
}
