/**
 * DynamoDB on-demand request units of one request, from its wire JSON: what AWS would bill for it.
 * Item sizes follow the DynamoDB size rules (attribute names + values; numbers approximated as
 * 1 byte per 2 significant digits + 1). Reads count one unit per requested key: strongly
 * consistent reads of items up to 4 KB (orders are far smaller), or of missing items, cost one each.
 */
export interface RequestUnits {
  readonly readUnits: number;
  readonly writeUnits: number;
}

type AttributeValue = Record<string, unknown>;

const utf8 = (text: string) => Buffer.byteLength(text, 'utf8');

const valueBytes = (value: AttributeValue): number => {
  const [type, inner] = Object.entries(value)[0] ?? [];
  switch (type) {
    case 'S':
      return utf8(String(inner));
    case 'N':
      return Math.ceil(String(inner).replace(/^-|\.|^0+/g, '').length / 2) + 1;
    case 'B':
      return Buffer.from(String(inner), 'base64').byteLength;
    case 'BOOL':
    case 'NULL':
      return 1;
    case 'SS':
    case 'NS':
    case 'BS':
      return (inner as string[]).reduce((sum, element) => sum + valueBytes({ [type.slice(0, 1)]: element }), 0);
    case 'L':
      return 3 + (inner as AttributeValue[]).reduce((sum, element) => sum + 1 + valueBytes(element), 0);
    case 'M':
      return 3 + itemBytes(inner as Record<string, AttributeValue>) + Object.keys(inner as object).length;
    default:
      return 0;
  }
};

export const itemBytes = (item: Record<string, AttributeValue>): number =>
  Object.entries(item).reduce((sum, [name, value]) => sum + utf8(name) + valueBytes(value), 0);

const writeUnitsOf = (item: Record<string, AttributeValue> | undefined) => Math.max(1, Math.ceil(itemBytes(item ?? {}) / 1024));

export const requestUnitsOf = (operation: string, body: string): RequestUnits => {
  let request: Record<string, unknown>;
  try {
    request = JSON.parse(body) as Record<string, unknown>;
  } catch {
    return { readUnits: 0, writeUnits: 0 };
  }
  switch (operation) {
    case 'PutItem':
      return { readUnits: 0, writeUnits: writeUnitsOf(request.Item as Record<string, AttributeValue>) };
    case 'UpdateItem':
    case 'DeleteItem':
      // The size of the item written is not on the wire; the records these carry are well under 1 KB.
      return { readUnits: 0, writeUnits: 1 };
    case 'GetItem':
      return { readUnits: request.ConsistentRead ? 1 : 0.5, writeUnits: 0 };
    case 'BatchWriteItem': {
      const writes = Object.values(
        (request.RequestItems ?? {}) as Record<string, { PutRequest?: { Item: Record<string, AttributeValue> } }[]>,
      ).flat();
      return {
        readUnits: 0,
        writeUnits: writes.reduce((sum, write) => sum + (write.PutRequest ? writeUnitsOf(write.PutRequest.Item) : 1), 0),
      };
    }
    case 'BatchGetItem': {
      const tables = Object.values((request.RequestItems ?? {}) as Record<string, { Keys?: unknown[]; ConsistentRead?: boolean }>);
      return {
        readUnits: tables.reduce((sum, table) => sum + (table.Keys?.length ?? 0) * (table.ConsistentRead ? 1 : 0.5), 0),
        writeUnits: 0,
      };
    }
    default:
      return { readUnits: 0, writeUnits: 0 };
  }
};
