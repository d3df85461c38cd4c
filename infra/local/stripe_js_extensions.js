// Appended to localstripe's fake Stripe.js by infra/local/stripe_requests.py: the parts of Stripe.js the product
// uses that localstripe 1.15.10 lacks (its createPaymentMethod does nothing). Same answers as Stripe.js:
// `{paymentMethod}` or `{error}`, `{paymentIntent}` or `{error}`.
(function () {
  const makeStripe = Stripe;

  // Stripe.js checks the card in the browser before any request; these are its codes and messages.
  function incomplete(card) {
    if (!card || !card.number || card.number.length < 16) {
      return { type: 'validation_error', code: 'incomplete_number', message: 'Your card number is incomplete.' };
    }
    if (!card.exp_month || !card.exp_year || card.exp_year.length < 4) {
      return { type: 'validation_error', code: 'incomplete_expiry', message: "Your card's expiration date is incomplete." };
    }
    if (!card.cvc || card.cvc.length < 3) {
      return { type: 'validation_error', code: 'incomplete_cvc', message: "Your card's security code is incomplete." };
    }
    return null;
  }

  Stripe = (apiKey, options) => {
    const stripe = makeStripe(apiKey, options);

    // createPaymentMethod({type: 'card', card: element, billing_details}) and the older
    // createPaymentMethod('card', element, {billing_details}).
    stripe.createPaymentMethod = async (typeOrData, element, data) => {
      const request = typeof typeOrData === 'string'
        ? { type: typeOrData, card: element, ...(data || {}) }
        : typeOrData;
      const value = request.card && request.card.value;
      const error = incomplete(value && value.card);
      if (error) return { error };
      const fields = new URLSearchParams();
      fields.append('key', apiKey);
      fields.append('payment_user_agent', 'localstripe');
      fields.append('type', request.type);
      Object.keys(value.card).forEach((name) => fields.append(`card[${name}]`, value.card[name]));
      const postalCode = value.postal_code ||
        (request.billing_details && request.billing_details.address &&
         request.billing_details.address.postal_code);
      if (postalCode) fields.append('billing_details[address][postal_code]', postalCode);
      try {
        const response = await fetch(`${LOCALSTRIPE_BASE_API}/v1/payment_methods`, {
          method: 'POST',
          headers: { 'Content-Type': 'application/x-www-form-urlencoded' },
          body: fields.toString(),
        });
        const body = await response.json().catch(() => ({}));
        if (response.status !== 200 || body.error) return { error: body.error || { message: 'Bad request' } };
        return { paymentMethod: body };
      } catch (err) {
        return { error: { type: 'api_connection_error', message: String(err) } };
      }
    };

    // After a server-side confirmation answered requires_action: 3-D Secure (localstripe's confirm/cancel box).
    stripe.handleNextAction = async ({ clientSecret }) => {
      const result = await stripe.confirmCardPayment(clientSecret);
      if (result.error) return result;
      const intent = result.paymentIntent;
      if (intent && intent.last_payment_error) {
        return { error: { type: 'card_error', ...intent.last_payment_error, payment_intent: intent } };
      }
      return { paymentIntent: intent };
    };

    return stripe;
  };
})();
