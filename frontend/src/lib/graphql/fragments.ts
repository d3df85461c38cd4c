import { graphql } from '@/gql';

// Selections on the types that `Order` and `AdminOrder` share, so the shopper, checkout and admin
// queries ask for them the same way. Shared code: features import it through `@/lib/graphql/fragments`.
// Fragment masking is off (codegen.ts), so the fields land directly in each query's result type.

export const MoneyFields = graphql(`
  fragment MoneyFields on Money {
    amount
    currency
  }
`);

/** Without `sku`: checkout does not show it, so the queries that do add it next to the spread. */
export const OrderLineFields = graphql(`
  fragment OrderLineFields on OrderLine {
    productId
    name
    quantity
    unitPrice {
      ...MoneyFields
    }
    total {
      ...MoneyFields
    }
  }
`);

export const AddressFields = graphql(`
  fragment AddressFields on Address {
    name
    line1
    line2
    city
    region
    postalCode
    country
  }
`);

export const PaymentFields = graphql(`
  fragment PaymentFields on Payment {
    status
    failureReason
    authorized {
      ...MoneyFields
    }
    captured {
      ...MoneyFields
    }
    refunded {
      ...MoneyFields
    }
  }
`);

export const ShipmentFields = graphql(`
  fragment ShipmentFields on Shipment {
    id
    warehouseId
    carrier
    trackingNumber
    trackingUrl
    estimatedDelivery
  }
`);
