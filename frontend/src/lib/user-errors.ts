export type UserErrorLike = { field?: string | null; message: string; code: string };

/**
 * The API's errors keyed by field path (`shippingAddress.postalCode`, `lines.0.quantity`); errors
 * without a field are under ''. The first message per field wins.
 */
export function errorsByField(errors: readonly UserErrorLike[]): Record<string, string> {
  const byField: Record<string, string> = {};
  for (const error of errors) {
    const field = error.field ?? '';
    byField[field] ??= error.message;
  }
  return byField;
}

/** "is required" beside "Postal code" reads as "Postal code is required"; full sentences stay as they are. */
export function withLabel(label: string, message: string): string {
  return /^[a-z]/.test(message) ? `${label} ${message}` : message;
}
