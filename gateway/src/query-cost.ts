import { GraphQLError, Kind, type ASTVisitor, type SelectionSetNode, type ValidationContext, type ValueNode } from 'graphql';
import { MAX_PAGE } from '@retail/platform';

/** `first` as the subgraphs will apply it: clamped to 1..100, 20 when absent, 100 when a variable. */
function pageSize(value: ValueNode | undefined): number {
  if (!value) return 20;
  if (value.kind === Kind.INT) return Math.min(MAX_PAGE, Math.max(1, Number(value.value)));
  return MAX_PAGE;
}

/**
 * Estimated work of an operation: every field costs 1 × the product of the page sizes above it.
 * Uses the same clamp as the subgraphs, so `first: 100000` costs what `first: 100` does, and
 * nested pages (brands → franchisees → stores → guides) multiply as they really do.
 */
export function queryCostRule(maxCost: number) {
  return (context: ValidationContext): ASTVisitor => {
    const cost = (set: SelectionSetNode | undefined, multiplier: number, seen: Set<string>): number => {
      if (!set) return 0;
      let total = 0;
      for (const sel of set.selections) {
        if (sel.kind === Kind.FIELD) {
          const first = sel.arguments?.find((a) => a.name.value === 'first');
          const inner = first ? multiplier * pageSize(first.value) : multiplier;
          total += multiplier + cost(sel.selectionSet, inner, seen);
        } else if (sel.kind === Kind.INLINE_FRAGMENT) {
          total += cost(sel.selectionSet, multiplier, seen);
        } else {
          const name = sel.name.value;
          if (seen.has(name)) continue; // recursion is reported by graphql's own rules
          const frag = context.getFragment(name);
          total += cost(frag?.selectionSet, multiplier, new Set([...seen, name]));
        }
        if (total > maxCost) return total;
      }
      return total;
    };
    return {
      OperationDefinition(node) {
        const total = cost(node.selectionSet, 1, new Set());
        if (total > maxCost) {
          context.reportError(
            new GraphQLError(`query too expensive: estimated cost ${total > maxCost * 10 ? `over ${maxCost * 10}` : total} exceeds ${maxCost}; ask for smaller pages or fewer nested lists`, {
              nodes: [node],
              extensions: { code: 'QUERY_TOO_EXPENSIVE', maxCost },
            }),
          );
        }
      },
    };
  };
}
