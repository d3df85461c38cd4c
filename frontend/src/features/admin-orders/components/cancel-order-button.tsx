import { useState } from 'react';
import { toast } from 'sonner';
import { useMutation } from 'urql';

import { Button } from '@/components/ui/button';
import { ConfirmDialog } from '@/components/ui/dialog';
import { TextAreaField } from '@/components/ui/field';
import { withLabel } from '@/lib/user-errors';

import { CancelOrderMutation } from '../api/cancel-order';

type Result = { tone: 'success' | 'error'; message: string };

/** Cancel with a confirmation dialog that asks why; reports what happened. */
export function CancelOrderButton({ orderId, onResult }: { orderId: string; onResult: (result: Result) => void }) {
  const [open, setOpen] = useState(false);
  const [reason, setReason] = useState('');
  const [reasonError, setReasonError] = useState<string | undefined>();
  const [{ fetching }, cancelOrder] = useMutation(CancelOrderMutation);

  const confirm = async () => {
    if (!reason.trim()) {
      setReasonError('Say why the order is cancelled: it goes into the timeline');
      return;
    }
    const result = await cancelOrder({ id: orderId, reason: reason.trim() }, { additionalTypenames: ['AdminOrder', 'AdminOrderSummary'] });
    const payload = result.data?.cancelOrder;
    if (!payload) {
      toast.error('The cancellation could not be sent. Try again.');
      return;
    }
    const [error] = payload.errors;
    if (error?.field === 'reason') {
      setReasonError(withLabel('Reason', error.message));
      return;
    }
    setOpen(false);
    if (error) {
      const pending = error.code === 'CANCELLATION_PENDING';
      const message = pending ? `Cancellation continues in the background: ${error.message}.` : `Not cancelled: ${error.message}.`;
      (pending ? toast.warning : toast.error)(message);
      onResult({ tone: 'error', message });
      return;
    }
    const message = `Order ${orderId} is cancelled: stock released and payment ${payload.order?.status === 'CANCELLED' ? 'cancelled or refunded' : 'being undone'}.`;
    toast.success(message);
    onResult({ tone: 'success', message });
  };

  return (
    <>
      <Button variant="danger" onClick={() => setOpen(true)}>
        Cancel order
      </Button>
      <ConfirmDialog
        open={open}
        title={`Cancel order ${orderId}?`}
        confirmLabel="Cancel order"
        cancelLabel="Keep order"
        tone="danger"
        busy={fetching}
        onConfirm={() => void confirm()}
        onCancel={() => {
          setOpen(false);
          setReasonError(undefined);
        }}
      >
        <p className="mb-3">
          The reserved stock goes back on sale and the payment is cancelled, or refunded if it was captured. The customer is told by
          email. This cannot be undone.
        </p>
        <TextAreaField
          label="Reason"
          value={reason}
          error={reasonError}
          maxLength={500}
          onChange={(event) => {
            setReason(event.target.value);
            setReasonError(undefined);
          }}
        />
      </ConfirmDialog>
    </>
  );
}
