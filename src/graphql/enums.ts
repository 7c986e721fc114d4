/** A GraphQL enum that mirrors a database enum value for value. */
export function mirror<const V extends string>(values: readonly V[]): { [K in V]: K } {
  return Object.fromEntries(values.map((v) => [v, v])) as { [K in V]: K };
}
