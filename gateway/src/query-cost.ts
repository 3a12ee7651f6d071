import {
  GraphQLError,
  Kind,
  getNamedType,
  getNullableType,
  isCompositeType,
  isInterfaceType,
  isListType,
  isObjectType,
  type ASTVisitor,
  type FragmentDefinitionNode,
  type GraphQLArgument,
  type GraphQLCompositeType,
  type GraphQLField,
  type GraphQLSchema,
  type OperationDefinitionNode,
  type SelectionSetNode,
  type ValidationContext,
  type ValueNode,
} from 'graphql';
import { MAX_PAGE, clampFirst } from '@retail/platform';

/**
 * Items assumed per parent for a list field that has neither `first` nor a list argument
 * (`Product.skus`, `Store.openingHours`, `StockReservation.lines`, `Sku.attributes`, `userErrors`, …).
 * The demo catalogue has 1–15 SKUs a product (4.6 on average) and 7–12 opening intervals a store
 * (28 at most, by the input rules); 10 is above the typical size, so a typical query is not
 * under-counted, without refusing the catalogue queries that list SKUs under a page of products.
 */
export const UNPAGED_LIST_ESTIMATE = 10;

/**
 * Length assumed for a list argument given as a variable (`stock(skuIds: $skus)`), and the page size
 * of a variable `first`: the platform's list cap (MAX_PAGE; `Store.stock` takes at most 100 ids).
 * Apollo validates a document once and caches it for every later request with other variables, so
 * the rule must hold for any variables: it counts a variable at the largest value it can have.
 */
export const VARIABLE_LIST_LENGTH = MAX_PAGE;

/** Page size when an operation leaves `first` out and the schema gives it no default. */
const FALLBACK_PAGE = 20;

/** Relay fields that are the page itself: already multiplied by the connection's `first`. */
const PAGE_LIST_FIELDS: ReadonlySet<string> = new Set(['edges', 'nodes']);

type Fragments = (name: string) => FragmentDefinitionNode | undefined | null;

function fieldDef(parent: GraphQLCompositeType | undefined, name: string): GraphQLField<unknown, unknown> | undefined {
  if (!parent || !(isObjectType(parent) || isInterfaceType(parent))) return undefined;
  return parent.getFields()[name];
}

/** `first` as the subgraphs apply it: clamped to 1..100, the schema default when absent or null, 100 when a variable. */
function pageSize(value: ValueNode | undefined, def: GraphQLArgument | undefined): number {
  const dflt = typeof def?.defaultValue === 'number' ? def.defaultValue : FALLBACK_PAGE;
  if (!value || value.kind === Kind.NULL) return clampFirst(dflt);
  if (value.kind === Kind.INT) return clampFirst(Number(value.value), dflt);
  return MAX_PAGE;
}

/** Items a list argument asks for: a literal list's length (a variable element is one item), 100 for a variable. */
function listLength(value: ValueNode | undefined, def: GraphQLArgument): number | undefined {
  if (!value) return Array.isArray(def.defaultValue) ? def.defaultValue.length : undefined;
  if (value.kind === Kind.VARIABLE) return VARIABLE_LIST_LENGTH;
  if (value.kind === Kind.LIST) return value.values.length;
  if (value.kind === Kind.NULL) return 0;
  return 1; // input coercion: a single value stands for a list of one
}

/**
 * How many items of a field's result each parent gets, or 1 for a field that is not a list:
 * - a field with a `first` argument (a connection, or a paged list): `first` as the subgraphs clamp it;
 * - `edges`/`nodes` directly under such a field: 1 (that is the page already counted);
 * - a list field with list arguments (`Store.stock(skuIds)`): the product of their lengths;
 * - any other list field: UNPAGED_LIST_ESTIMATE.
 */
function fanOut(field: GraphQLField<unknown, unknown> | undefined, args: readonly { name: { value: string }; value: ValueNode }[], inPage: boolean): { items: number; paged: boolean } {
  if (!field) return { items: 1, paged: false };
  const given = (name: string) => args.find((a) => a.name.value === name)?.value;
  const first = field.args.find((a) => a.name === 'first');
  if (first) return { items: pageSize(given('first'), first), paged: true };
  if (!isListType(getNullableType(field.type))) return { items: 1, paged: false };
  if (inPage && PAGE_LIST_FIELDS.has(field.name)) return { items: 1, paged: false };
  let driven: number | undefined;
  for (const arg of field.args) {
    if (!isListType(getNullableType(arg.type))) continue;
    const length = listLength(given(arg.name), arg);
    if (length !== undefined) driven = (driven ?? 1) * length;
  }
  return { items: driven ?? UNPAGED_LIST_ESTIMATE, paged: false };
}

/**
 * Estimated work of one operation: every field costs 1 × the number of parents it is asked for, that is
 * the product of the fan-outs (see fanOut) of the fields above it. Counting stops once the total passes
 * `stopAbove`, so a hostile query costs no more to refuse than a cheap one.
 */
export function operationCost(schema: GraphQLSchema, operation: OperationDefinitionNode, fragments: Fragments, stopAbove = Infinity): number {
  const walk = (set: SelectionSetNode | undefined, parent: GraphQLCompositeType | undefined, multiplier: number, inPage: boolean, seen: ReadonlySet<string>): number => {
    if (!set) return 0;
    let total = 0;
    for (const sel of set.selections) {
      if (sel.kind === Kind.FIELD) {
        const def = fieldDef(parent, sel.name.value);
        const { items, paged } = fanOut(def, sel.arguments ?? [], inPage);
        const type = def ? getNamedType(def.type) : undefined;
        total += multiplier + walk(sel.selectionSet, isCompositeType(type) ? type : undefined, multiplier * items, paged, seen);
      } else if (sel.kind === Kind.INLINE_FRAGMENT) {
        total += walk(sel.selectionSet, typeOf(schema, sel.typeCondition?.name.value) ?? parent, multiplier, inPage, seen);
      } else {
        const name = sel.name.value;
        if (seen.has(name)) continue; // recursion is reported by graphql's own rules
        const frag = fragments(name);
        total += walk(frag?.selectionSet, typeOf(schema, frag?.typeCondition.name.value) ?? parent, multiplier, inPage, new Set([...seen, name]));
      }
      if (total > stopAbove) return total;
    }
    return total;
  };
  const root = operation.operation === 'query' ? schema.getQueryType() : operation.operation === 'mutation' ? schema.getMutationType() : schema.getSubscriptionType();
  return walk(operation.selectionSet, root ?? undefined, 1, false, new Set());
}

function typeOf(schema: GraphQLSchema, name: string | undefined): GraphQLCompositeType | undefined {
  const type = name ? schema.getType(name) : undefined;
  return isCompositeType(type) ? type : undefined;
}

/**
 * Validation rule refusing an operation whose operationCost exceeds maxCost (QUERY_TOO_EXPENSIVE).
 * Uses the same clamp as the subgraphs, so `first: 100000` costs what `first: 100` does, nested pages
 * (brands → franchisees → stores → guides) multiply as they really do, and so do list arguments
 * (`stock(skuIds: [...])`) and unpaged lists (`Product.skus`).
 */
export function queryCostRule(maxCost: number) {
  return (context: ValidationContext): ASTVisitor => ({
    OperationDefinition(node) {
      const total = operationCost(context.getSchema(), node, (name) => context.getFragment(name), maxCost * 10);
      if (total > maxCost) {
        context.reportError(
          new GraphQLError(`query too expensive: estimated cost ${total > maxCost * 10 ? `over ${maxCost * 10}` : total} exceeds ${maxCost}; ask for smaller pages, fewer ids or fewer nested lists`, {
            nodes: [node],
            extensions: { code: 'QUERY_TOO_EXPENSIVE', maxCost },
          }),
        );
      }
    },
  });
}
