// A string parameter with a fixed set of values, as a JSON Schema `enum`: its 400 lists the values ("must be one
// of hour, day, week, month"), where a union of literals would only say it matches none.
import { Type, type SchemaOptions } from '@sinclair/typebox';

export function StringEnum<Value extends string>(values: readonly Value[], options: SchemaOptions = {}) {
  return Type.Unsafe<Value>({ type: 'string', enum: [...values], ...options });
}
