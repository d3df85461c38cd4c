import { Alert } from '@/components/ui/alert';
import { ButtonLink } from '@/components/ui/button';

/** payOrder could not hold the items: say which, that the card was not charged, and lead back to the cart. */
export function OutOfStock({ message }: { message: string }) {
  return (
    <Alert title="We couldn’t hold your items">
      <p>{message}</p>
      <p className="mt-1">Your card was not charged. Change your cart, then check out again.</p>
      <ButtonLink to="/cart" variant="secondary" size="sm" className="mt-3">
        Back to cart
      </ButtonLink>
    </Alert>
  );
}
