// A module-resolution hook that refuses every @nats-io module: a program that loads one fails with "refused".
export async function resolve(specifier, context, next) {
  if (specifier.startsWith('@nats-io/')) throw new Error(`refused ${specifier}`);
  return next(specifier, context);
}
