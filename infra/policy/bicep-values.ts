import type { BicepFile, BicepValue, ParamDecl, ResourceDecl } from './bicep-model.js';

/** Reads a dotted path (`properties.networkAcls.defaultAction`) from a value. */
export function getPath(value: BicepValue | undefined, path: string): BicepValue | undefined {
  let current = value;
  for (const key of path.split('.')) {
    if (current?.kind !== 'object') {
      return undefined;
    }
    current = current.properties.get(key);
  }
  return current;
}

/** Reads a dotted path from a resource body. */
export function prop(resource: ResourceDecl, path: string): BicepValue | undefined {
  return getPath(resource.body, path);
}

/** True when the value is exactly this literal (strings compare case-insensitively, like ARM). */
export function isLiteral(
  value: BicepValue | undefined,
  expected: string | number | boolean,
): boolean {
  if (value === undefined) {
    return false;
  }
  if (typeof expected === 'string') {
    return (
      value.kind === 'string' &&
      !value.interpolated &&
      value.value.toLowerCase() === expected.toLowerCase()
    );
  }
  if (typeof expected === 'number') {
    return value.kind === 'number' && value.value === expected;
  }
  return value.kind === 'boolean' && value.value === expected;
}

/** A short rendering of a value for messages. */
export function describe(value: BicepValue | undefined): string {
  if (value === undefined) {
    return 'not set';
  }
  switch (value.kind) {
    case 'string':
      return `'${value.value}'`;
    case 'number':
    case 'boolean':
      return String(value.value);
    case 'null':
      return 'null';
    default:
      return value.node.text.length > 40 ? `${value.node.text.slice(0, 40)}…` : value.node.text;
  }
}

/**
 * Adds a finding message when `resource.path` is not the expected literal. Security properties
 * must be explicit literals: a parameter could be overridden at deployment time.
 */
export function expectLiteral(
  resource: ResourceDecl,
  path: string,
  expected: string | number | boolean,
  problems: string[],
): void {
  const value = prop(resource, path);
  if (!isLiteral(value, expected)) {
    problems.push(`${path} must be ${JSON.stringify(expected)} (found ${describe(value)})`);
  }
}

/** The parameter a bare identifier refers to, if any. */
export function paramOf(file: BicepFile, value: BicepValue | undefined): ParamDecl | undefined {
  if (value?.kind !== 'expression') {
    return undefined;
  }
  return file.params.find((param) => param.name === value.text);
}

/**
 * The smallest number a value can take: a literal, or a parameter's `@minValue`. Undefined when
 * nothing bounds it.
 */
export function lowerBound(file: BicepFile, value: BicepValue | undefined): number | undefined {
  if (value?.kind === 'number') {
    return value.value;
  }
  const param = paramOf(file, value);
  const minValue = param?.decorators.find((decorator) => decorator.name === 'minValue')?.args[0];
  return minValue?.kind === 'number' ? minValue.value : undefined;
}

/** The largest number a value can take: a literal, or a parameter's `@maxValue`. */
export function upperBound(file: BicepFile, value: BicepValue | undefined): number | undefined {
  if (value?.kind === 'number') {
    return value.value;
  }
  const param = paramOf(file, value);
  const maxValue = param?.decorators.find((decorator) => decorator.name === 'maxValue')?.args[0];
  return maxValue?.kind === 'number' ? maxValue.value : undefined;
}

/** Every object literal in a file, anywhere (vars, params, resource bodies, module params). */
export function allObjects(value: BicepValue | undefined, into: BicepValue[] = []): BicepValue[] {
  if (value?.kind === 'object') {
    into.push(value);
    for (const child of value.properties.values()) {
      allObjects(child, into);
    }
  } else if (value?.kind === 'array') {
    for (const item of value.items) {
      allObjects(item, into);
    }
  }
  return into;
}

/** Object literals in every part of a file: variables, parameter defaults, resources, modules. */
export function objectsInFile(file: BicepFile): Extract<BicepValue, { kind: 'object' }>[] {
  const roots: (BicepValue | undefined)[] = [
    ...file.vars.values(),
    ...file.params.map((param) => param.defaultValue),
    ...file.resources.map((resource) => resource.body),
    ...file.modules.map((module) => module.body),
  ];
  return roots
    .flatMap((root) => allObjects(root))
    .filter((value): value is Extract<BicepValue, { kind: 'object' }> => value.kind === 'object');
}

/** Resolves an identifier that names a variable to the variable's value. */
export function resolveVar(file: BicepFile, value: BicepValue | undefined): BicepValue | undefined {
  if (value?.kind === 'expression' && file.vars.has(value.text)) {
    return file.vars.get(value.text);
  }
  return value;
}
