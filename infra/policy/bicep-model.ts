import { createRequire } from 'node:module';

import type Parser from 'tree-sitter';

/** A parsed syntax node (tree-sitter). */
export type SyntaxNode = Parser.SyntaxNode;

/** A Bicep expression reduced to what the policy rules inspect; `line` is 1-based. */
export type BicepValue =
  | {
      readonly kind: 'string';
      readonly value: string;
      readonly interpolated: boolean;
      readonly line: number;
      readonly node: SyntaxNode;
    }
  | {
      readonly kind: 'number';
      readonly value: number;
      readonly line: number;
      readonly node: SyntaxNode;
    }
  | {
      readonly kind: 'boolean';
      readonly value: boolean;
      readonly line: number;
      readonly node: SyntaxNode;
    }
  | { readonly kind: 'null'; readonly line: number; readonly node: SyntaxNode }
  | {
      readonly kind: 'object';
      readonly properties: ReadonlyMap<string, BicepValue>;
      readonly line: number;
      readonly node: SyntaxNode;
    }
  | {
      readonly kind: 'array';
      readonly items: readonly BicepValue[];
      readonly line: number;
      readonly node: SyntaxNode;
    }
  | {
      readonly kind: 'expression';
      readonly text: string;
      readonly line: number;
      readonly node: SyntaxNode;
    };

export type ObjectValue = Extract<BicepValue, { kind: 'object' }>;

export interface Decorator {
  readonly name: string;
  readonly args: readonly BicepValue[];
}

export interface ParamDecl {
  readonly name: string;
  readonly line: number;
  readonly typeText: string;
  readonly decorators: readonly Decorator[];
  readonly defaultValue: BicepValue | undefined;
}

export interface ResourceDecl {
  readonly symbol: string;
  /** Full type without the API version, e.g. `Microsoft.KeyVault/vaults/keys`. */
  readonly type: string;
  readonly apiVersion: string;
  readonly line: number;
  readonly existing: boolean;
  /** Source text of the `if (...)` condition, when the resource is conditional. */
  readonly condition: string | undefined;
  readonly body: ObjectValue | undefined;
  /** Symbol of the parent resource (`parent:` property or lexical nesting). */
  readonly parentSymbol: string | undefined;
  /** Source text of the `scope:` property, when present. */
  readonly scopeText: string | undefined;
}

export interface ModuleDecl {
  readonly symbol: string;
  readonly path: string;
  readonly line: number;
  readonly body: ObjectValue | undefined;
}

export interface BicepFile {
  readonly path: string;
  readonly text: string;
  readonly root: SyntaxNode;
  readonly params: readonly ParamDecl[];
  readonly vars: ReadonlyMap<string, BicepValue>;
  readonly types: ReadonlyMap<string, SyntaxNode>;
  readonly imports: readonly { readonly names: readonly string[]; readonly from: string }[];
  readonly resources: readonly ResourceDecl[];
  readonly modules: readonly ModuleDecl[];
}

const require = createRequire(import.meta.url);
const ParserClass = require('tree-sitter') as typeof Parser;
const bicepLanguage = require('tree-sitter-bicep') as Parser.Language;

interface FileParts {
  readonly params: ParamDecl[];
  readonly vars: Map<string, BicepValue>;
  readonly types: Map<string, SyntaxNode>;
  readonly imports: { names: string[]; from: string }[];
  readonly resources: ResourceDecl[];
  readonly modules: ModuleDecl[];
}

let parser: Parser | undefined;

function getParser(): Parser {
  if (parser === undefined) {
    parser = new ParserClass();
    parser.setLanguage(bicepLanguage);
  }
  return parser;
}

/** Parses Bicep source into the model the rules read; syntax errors stay in the tree. */
export function parseBicep(path: string, text: string): BicepFile {
  const bufferSize = Math.max(32 * 1024, text.length * 2 + 1);
  const root = getParser().parse(text, null, { bufferSize }).rootNode;
  const parts: FileParts = {
    params: [],
    vars: new Map(),
    types: new Map(),
    imports: [],
    resources: [],
    modules: [],
  };
  for (const node of root.namedChildren) {
    readDeclaration(parts, node);
  }
  return { path, text, root, ...parts };
}

function readDeclaration(file: FileParts, node: SyntaxNode): void {
  const name = node.namedChildren[0]?.text ?? '';
  switch (node.type) {
    case 'parameter_declaration':
      file.params.push(readParam(node));
      return;
    case 'variable_declaration':
      file.vars.set(name, toValue(node.namedChildren[node.namedChildren.length - 1] ?? node));
      return;
    case 'type_declaration':
      file.types.set(name, node);
      return;
    case 'import_functionality':
      file.imports.push(readImport(node));
      return;
    case 'resource_declaration':
      readResource(file, node, undefined);
      return;
    case 'module_declaration':
      file.modules.push(readModule(node));
      return;
    default:
      return;
  }
}

function readParam(node: SyntaxNode): ParamDecl {
  const [identifier, type, defaultNode] = node.namedChildren;
  return {
    name: identifier?.text ?? '',
    line: lineOf(node),
    typeText: type?.text ?? '',
    decorators: decoratorsOf(node),
    defaultValue: defaultNode === undefined ? undefined : toValue(defaultNode),
  };
}

function readImport(node: SyntaxNode): { names: string[]; from: string } {
  const identifiers = node.namedChildren.filter((child) => child.type === 'identifier');
  const source = node.namedChildren.find((child) => child.type === 'string');
  return {
    names: identifiers.map((child) => child.text),
    from: source ? stringContent(source) : '',
  };
}

function readResource(
  file: FileParts,
  node: SyntaxNode,
  lexicalParent: ResourceDecl | undefined,
): void {
  const symbol = node.namedChildren[0]?.text ?? '';
  const typeNode = node.namedChildren[1];
  const [rawType = '', apiVersion = lexicalParent?.apiVersion ?? ''] = (
    typeNode ? stringContent(typeNode) : ''
  ).split('@');
  const type =
    lexicalParent && !rawType.includes('.') ? `${lexicalParent.type}/${rawType}` : rawType;
  const { body, condition } = unwrapBody(node.namedChildren[2]);
  const parentProperty = body?.properties.get('parent');
  const declaration: ResourceDecl = {
    symbol,
    type,
    apiVersion,
    line: lineOf(node),
    existing: node.children.some((child) => child.type === 'existing'),
    condition,
    body,
    parentSymbol:
      parentProperty?.kind === 'expression'
        ? parentProperty.text.replace(/\[.*\]$/, '')
        : lexicalParent?.symbol,
    scopeText: expressionText(body?.properties.get('scope')),
  };
  file.resources.push(declaration);
  const objectNode = body?.node;
  for (const property of objectNode?.namedChildren ?? []) {
    const nested = property.namedChildren.find((child) => child.type === 'resource_declaration');
    if (property.type === 'object_property' && nested) {
      readResource(file, nested, declaration);
    }
  }
}

function readModule(node: SyntaxNode): ModuleDecl {
  const pathNode = node.namedChildren[1];
  return {
    symbol: node.namedChildren[0]?.text ?? '',
    path: pathNode ? stringContent(pathNode) : '',
    line: lineOf(node),
    body: unwrapBody(node.namedChildren[2]).body,
  };
}

function unwrapBody(node: SyntaxNode | undefined): {
  body: ObjectValue | undefined;
  condition: string | undefined;
} {
  if (node === undefined) {
    return { body: undefined, condition: undefined };
  }
  if (node.type === 'object') {
    const value = toValue(node);
    return { body: value.kind === 'object' ? value : undefined, condition: undefined };
  }
  if (node.type === 'if_statement') {
    const inner = unwrapBody(node.namedChildren[1]);
    return { body: inner.body, condition: node.namedChildren[0]?.text };
  }
  if (node.type === 'for_statement') {
    const bodyNode =
      node.childForFieldName('body') ?? node.namedChildren[node.namedChildren.length - 1];
    return unwrapBody(bodyNode);
  }
  return { body: undefined, condition: undefined };
}

/** The decorators written above a declaration or object property. */
export function decoratorsOf(node: SyntaxNode): Decorator[] {
  const previous = node.previousNamedSibling;
  if (previous?.type !== 'decorators') {
    return [];
  }
  return previous.namedChildren.map((decorator) => {
    const call = decorator.namedChildren[0];
    const callee = call?.childForFieldName('function') ?? call?.namedChildren[0];
    const argumentsNode = call?.childForFieldName('arguments') ?? call?.namedChildren[1];
    const name = (callee?.text ?? '').split('.').pop() ?? '';
    return { name, args: (argumentsNode?.namedChildren ?? []).map(toValue) };
  });
}

/** Converts an expression node into a {@link BicepValue}. */
export function toValue(node: SyntaxNode): BicepValue {
  const line = lineOf(node);
  switch (node.type) {
    case 'string':
      return {
        kind: 'string',
        value: stringContent(node),
        interpolated: node.namedChildren.some((child) => child.type === 'interpolation'),
        line,
        node,
      };
    case 'number':
      return { kind: 'number', value: Number(node.text), line, node };
    case 'boolean':
      return { kind: 'boolean', value: node.text === 'true', line, node };
    case 'null':
      return { kind: 'null', line, node };
    case 'object':
      return { kind: 'object', properties: readProperties(node), line, node };
    case 'array':
      return { kind: 'array', items: node.namedChildren.map(toValue), line, node };
    default:
      return { kind: 'expression', text: node.text, line, node };
  }
}

function readProperties(node: SyntaxNode): Map<string, BicepValue> {
  const properties = new Map<string, BicepValue>();
  for (const property of node.namedChildren) {
    if (property.type !== 'object_property') {
      continue;
    }
    const [key, value] = property.namedChildren;
    if (key === undefined || value === undefined || value.type === 'resource_declaration') {
      continue;
    }
    properties.set(key.type === 'string' ? stringContent(key) : key.text, toValue(value));
  }
  return properties;
}

/** Text of a string literal without quotes; interpolations keep their `${...}` source. */
export function stringContent(node: SyntaxNode): string {
  const text = node.text;
  if (text.startsWith("'''")) {
    return text.slice(3, -3);
  }
  return text.startsWith("'") ? text.slice(1, -1) : text;
}

export function lineOf(node: SyntaxNode): number {
  return node.startPosition.row + 1;
}

function expressionText(value: BicepValue | undefined): string | undefined {
  return value === undefined ? undefined : value.node.text;
}
