// SQS batch calls (SendMessageBatch, DeleteMessageBatch, ChangeMessageVisibilityBatch) name each entry by an Id that is
// unique within the call and report Successful and Failed by that Id. The Id here is the entry's position in the call,
// so a result leads back to the item its entry was built from. Tooling imports this module by path: it imports nothing.

/** One entry per item, each with the Id that batchItemsNamed maps back to that item. */
export const batchEntries = <Item, Entry extends object>(
  items: readonly Item[],
  toEntry: (item: Item) => Entry,
): (Entry & { Id: string })[] => items.map((item, position) => ({ ...toEntry(item), Id: String(position) }));

/** The items a call's Successful or Failed results name, in the results' order. */
export const batchItemsNamed = <Item>(items: readonly Item[], results: readonly { readonly Id?: string }[]): Item[] =>
  results.map(({ Id }) => {
    const position = Number(Id);
    if (Id !== String(position) || position < 0 || position >= items.length) {
      throw new RangeError(`SQS answered for batch entry Id ${JSON.stringify(Id)}, which names none of the ${items.length} sent`);
    }
    return items[position];
  });
