// Tolerances: the bounds a measured value must keep (below, above, atMost, atLeast, between,
// equals), shared by probe expectations and the load streams' whole-run expectations.
import { Type } from '@sinclair/typebox';
import { strict } from './schema-primitives.ts';

export const toleranceProperties = {
  below: Type.Optional(Type.Number({ description: 'The value must be strictly below this.' })),
  above: Type.Optional(Type.Number({ description: 'The value must be strictly above this.' })),
  atMost: Type.Optional(Type.Number({ description: 'The value must be at most this.' })),
  atLeast: Type.Optional(Type.Number({ description: 'The value must be at least this.' })),
  between: Type.Optional(
    Type.Tuple([Type.Number(), Type.Number()], {
      description: 'Inclusive range [low, high].',
      'x-expected': 'a pair of numbers [low, high]',
    }),
  ),
  equals: Type.Optional(
    Type.Union([Type.Number(), Type.String(), Type.Boolean()], { description: 'The value must equal this.' }),
  ),
};

export const Tolerance = Type.Object(toleranceProperties, strict);

export const toleranceKeys = ['below', 'above', 'atMost', 'atLeast', 'between', 'equals'] as const;

export const StatusExpectation = Type.Union([
  Type.Integer({ minimum: 100, maximum: 599 }),
  Type.Array(Type.Integer({ minimum: 100, maximum: 599 }), { minItems: 1 }),
]);
