import type { BillSplitFieldsFragment } from "../gql/graphql";

/** The recipients of a household bill, in the order the bill lists them (catalogue keys). */
export const BILL_PARTS = [
  ["spot", "spotDkk"],
  ["supplierMarkup", "supplierMarkupDkk"],
  ["dsoTariff", "dsoTariffDkk"],
  ["energinetTariff", "energinetTariffDkk"],
  ["electricityTax", "electricityTaxDkk"],
  ["vat", "vatDkk"],
] as const satisfies readonly (readonly [string, keyof BillSplitFieldsFragment])[];

export type BillPart = (typeof BILL_PARTS)[number][0];
