/**
 * The custom operators (docs/dsl.md#conditions) as engine/rules uses them: the DSL's own
 * implementation, so the reference engine, the compiled evaluator and the DSL cannot drift.
 */
export {
  CUSTOM_OPERATOR_IMPLEMENTATIONS as CUSTOM_OPERATORS,
  CROSSING_OPERATORS,
  type Crossing,
} from '../dsl/conditions.ts';
