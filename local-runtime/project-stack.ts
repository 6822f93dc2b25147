/**
 * The few features of the runtime that only mean something for this project's own stack (the dashboard's order
 * search, the banner's curl example) find it by its OrdersTableName output; for any other app they are off and
 * the start says so.
 */
export const ordersTableOf = (outputs: Readonly<Record<string, string>>): string | undefined => outputs.OrdersTableName;
