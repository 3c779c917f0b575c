import type { SyntaxNode } from '../bicep-model.js';
import { lineOf, stringContent } from '../bicep-model.js';
import { FindingList, type Rule } from '../rule.js';

function walk(node: SyntaxNode, visit: (node: SyntaxNode) => void): void {
  visit(node);
  for (const child of node.children) {
    walk(child, visit);
  }
}

export const parseClean: Rule = {
  id: 'parse-clean',
  title: 'Every template parses without syntax errors',
  check(project) {
    const findings = new FindingList(this.id);
    for (const file of project.files) {
      walk(file.root, (node) => {
        if (node.type === 'ERROR' || node.isMissing) {
          findings.add(
            file,
            'template',
            lineOf(node),
            `syntax error near "${node.text.slice(0, 30)}"`,
          );
        }
      });
    }
    return { checked: project.files.length, findings: findings.items };
  },
};

export const paramDescribed: Rule = {
  id: 'param-described',
  title: 'Every parameter has a @description starting Required. or Optional.',
  check(project) {
    const findings = new FindingList(this.id);
    let checked = 0;
    for (const file of project.files) {
      for (const param of file.params) {
        checked += 1;
        const description = param.decorators.find((decorator) => decorator.name === 'description')
          ?.args[0];
        const text = description?.kind === 'string' ? description.value : '';
        const isOptional = param.defaultValue !== undefined || param.typeText.endsWith('?');
        const prefix = isOptional ? 'Optional.' : 'Required.';
        if (text.trim() === '') {
          findings.add(file, param.name, param.line, 'parameter has no @description');
        } else if (!text.startsWith(prefix)) {
          findings.add(file, param.name, param.line, `description must start with "${prefix}"`);
        }
      }
    }
    return { checked, findings: findings.items };
  },
};

export const secureParamNoDefault: Rule = {
  id: 'secure-param-no-default',
  title: 'No @secure() parameter has a default value',
  check(project) {
    const findings = new FindingList(this.id);
    let checked = 0;
    for (const file of project.files) {
      for (const param of file.params) {
        checked += 1;
        const isSecure = param.decorators.some((decorator) => decorator.name === 'secure');
        if (isSecure && param.defaultValue !== undefined) {
          findings.add(
            file,
            param.name,
            param.line,
            '@secure() parameter must not have a default value',
          );
        }
      }
    }
    return { checked, findings: findings.items };
  },
};

const LIST_FUNCTION = /^list[A-Z]\w*$/;

export const noListKeys: Rule = {
  id: 'no-list-keys',
  title: 'No listKeys() or other list*() call reads a key or secret',
  check(project) {
    const findings = new FindingList(this.id);
    for (const file of project.files) {
      walk(file.root, (node) => {
        if (node.type !== 'call_expression') {
          return;
        }
        const callee = node.childForFieldName('function') ?? node.namedChildren[0];
        const name =
          callee?.type === 'member_expression'
            ? (callee.namedChildren[1]?.text ?? '')
            : (callee?.text ?? '');
        if (LIST_FUNCTION.test(name)) {
          findings.add(
            file,
            enclosingSymbol(node),
            lineOf(node),
            `${name}() exposes a key or secret`,
          );
        }
      });
    }
    return { checked: project.files.length, findings: findings.items };
  },
};

const SECRET_VALUE_PATTERNS: readonly (readonly [RegExp, string])[] = [
  [
    /(AccountKey|SharedAccessKey|SharedAccessSignature|Password|Pwd)\s*=/i,
    'a connection string with a key or password',
  ],
  [/-----BEGIN [A-Z ]*PRIVATE KEY-----/, 'a private key'],
  [/\beyJ[\w-]{10,}\.[\w-]{10,}\./, 'a JSON Web Token'],
  [/[?&]sig=[\w%]{20,}/, 'a SAS signature'],
  [/\bAKIA[0-9A-Z]{16}\b/, 'an AWS access key'],
  [/\bgh[pousr]_[A-Za-z0-9]{36}\b/, 'a GitHub token'],
  [/\bsk-[A-Za-z0-9_-]{20,}/, 'an API secret key'],
  [/^[A-Za-z0-9+/]{40,}={0,2}$/, 'a long base64 value (key material)'],
];

const SECRET_NAME_WORDS = [
  'password',
  'passwd',
  'secret',
  'apikey',
  'api_key',
  'accesskey',
  'access_key',
  'connectionstring',
  'sastoken',
  'clientsecret',
];
const SECRET_NAME = new RegExp(`(${SECRET_NAME_WORDS.join('|')})`, 'i');
const NAME_OF_SECRET = /(name|names|uri|url|id)$/i;
const SETTING_VALUE = /^(enabled|disabled|none|true|false|on|off)$/i;

/**
 * A non-empty literal assigned to a secret-sounding name,
 * or a literal shaped like a credential.
 */
export function secretProblem(name: string | undefined, value: string): string | undefined {
  for (const [pattern, label] of SECRET_VALUE_PATTERNS) {
    if (pattern.test(value)) {
      return `literal looks like ${label}`;
    }
  }
  const isSetting = SETTING_VALUE.test(value);
  if (
    name !== undefined &&
    value !== '' &&
    !isSetting &&
    SECRET_NAME.test(name) &&
    !NAME_OF_SECRET.test(name)
  ) {
    return `"${name}" is given a literal value; secrets come from Key Vault or managed identity`;
  }
  return undefined;
}

export const noSecretLiteral: Rule = {
  id: 'no-secret-literal',
  title: 'No secret, key, password or connection string literal in a template or parameter file',
  check(project) {
    const findings = new FindingList(this.id);
    for (const file of project.files) {
      walk(file.root, (node) => {
        if (
          node.type !== 'string' ||
          node.namedChildren.some((child) => child.type === 'interpolation')
        ) {
          return;
        }
        const problem = secretProblem(nameBeside(node), stringContent(node));
        if (problem !== undefined) {
          findings.add(file, enclosingSymbol(node), lineOf(node), problem);
        }
      });
    }
    for (const parameterFile of project.parameterFiles) {
      visitJsonStrings(parameterFile.json, undefined, (name, value) => {
        const problem = secretProblem(name, value);
        if (problem !== undefined) {
          findings.add(
            parameterFile,
            name ?? 'value',
            lineInText(parameterFile.text, value),
            problem,
          );
        }
      });
    }
    return {
      checked: project.files.length + project.parameterFiles.length,
      findings: findings.items,
    };
  },
};

/** The property key or parameter name a string literal is assigned to. */
function nameBeside(node: SyntaxNode): string | undefined {
  const parent = node.parent;
  if (parent?.type === 'object_property' && parent.namedChildren[1]?.id === node.id) {
    const key = parent.namedChildren[0];
    return key?.type === 'string' ? stringContent(key) : key?.text;
  }
  if (parent?.type === 'parameter_declaration' || parent?.type === 'variable_declaration') {
    return parent.namedChildren[0]?.text;
  }
  return undefined;
}

/** The symbolic name of the declaration that contains a node. */
export function enclosingSymbol(node: SyntaxNode): string {
  let current: SyntaxNode | null = node;
  while (current !== null) {
    if (current.parent?.type === 'infrastructure') {
      return current.namedChildren[0]?.text ?? 'template';
    }
    current = current.parent;
  }
  return 'template';
}

function visitJsonStrings(
  value: unknown,
  name: string | undefined,
  visit: (name: string | undefined, value: string) => void,
): void {
  if (typeof value === 'string') {
    visit(name, value);
  } else if (Array.isArray(value)) {
    for (const item of value) {
      visitJsonStrings(item, name, visit);
    }
  } else if (typeof value === 'object' && value !== null) {
    for (const [key, child] of Object.entries(value)) {
      visitJsonStrings(child, key === 'value' ? name : key, visit);
    }
  }
}

function lineInText(text: string, needle: string): number {
  const index = text.indexOf(needle);
  return index < 0 ? 1 : text.slice(0, index).split('\n').length;
}
