/** A shape as a client reads it after JSON: its times are ISO strings. */
export type AsJson<Shape> = Shape extends Date
  ? string
  : Shape extends readonly (infer Item)[]
    ? AsJson<Item>[]
    : Shape extends object
      ? { [Key in keyof Shape]: AsJson<Shape[Key]> }
      : Shape;

/** Compile-time checks that a record the engine keeps can be answered as its wire shape. */
export type Fits<Record, Wire> = Record extends Wire ? true : false;
export type Holds<Check extends true> = Check;
