import type { SyntaxNode } from '../bicep-model.js';
import { lineOf, stringContent } from '../bicep-model.js';
import { isLiteral, prop } from '../bicep-values.js';
import {
  ALLOWED_APP_ROLES,
  BUILT_IN_POLICY_IDS,
  BUILT_IN_ROLE_IDS,
  GUID_PATTERN,
} from '../known-ids.js';
import { FindingList, resourcesOfType, type Rule } from '../rule.js';
import { enclosingSymbol } from './template-hygiene.js';

const DEFINITION_TYPES: Readonly<Record<string, Readonly<Record<string, string>>>> = {
  'microsoft.authorization/roledefinitions': BUILT_IN_ROLE_IDS,
  'microsoft.authorization/policysetdefinitions': BUILT_IN_POLICY_IDS,
  'microsoft.authorization/policydefinitions': BUILT_IN_POLICY_IDS,
};

interface NamedId {
  readonly node: SyntaxNode;
  readonly id: string;
  /** The table key written beside the id, e.g. `'Key Vault Crypto User': ...`. */
  readonly name: string | undefined;
  readonly table: Readonly<Record<string, string>>;
}

/** Every GUID literal that names a role or policy definition, with the table key beside it. */
export function findDefinitionIds(root: SyntaxNode): NamedId[] {
  const found: NamedId[] = [];
  const visit = (node: SyntaxNode): void => {
    const named = readCall(node) ?? readCosmosRole(node);
    if (named !== undefined) {
      found.push(named);
    }
    node.namedChildren.forEach(visit);
  };
  visit(root);
  return found;
}

function readCall(node: SyntaxNode): NamedId | undefined {
  if (node.type !== 'call_expression') {
    return undefined;
  }
  const args = (node.childForFieldName('arguments') ?? node.namedChildren[1])?.namedChildren ?? [];
  const strings = args.filter((arg) => arg.type === 'string').map(stringContent);
  const table = DEFINITION_TYPES[(strings[0] ?? '').toLowerCase()];
  const id = strings.find((value) => GUID_PATTERN.test(value));
  if (table === undefined || id === undefined) {
    return undefined;
  }
  return { node, id, name: tableKeyOf(node), table };
}

function readCosmosRole(node: SyntaxNode): NamedId | undefined {
  if (node.type !== 'string' || !GUID_PATTERN.test(stringContent(node))) {
    return undefined;
  }
  const name = tableKeyOf(node);
  return name?.startsWith('Cosmos DB')
    ? { node, id: stringContent(node), name, table: BUILT_IN_ROLE_IDS }
    : undefined;
}

function tableKeyOf(node: SyntaxNode): string | undefined {
  const property = node.parent;
  if (property?.type !== 'object_property') {
    return undefined;
  }
  const key = property.namedChildren[0];
  return key?.type === 'string' ? stringContent(key) : key?.text;
}

export const roleIdMatchesName: Rule = {
  id: 'role-id-matches-name',
  title: 'Every role and policy definition id sits beside its built-in name and matches it',
  check(project) {
    const findings = new FindingList(this.id);
    let checked = 0;
    for (const file of project.files) {
      for (const named of findDefinitionIds(file.root)) {
        checked += 1;
        const subject = named.name ?? enclosingSymbol(named.node);
        const expected = named.name === undefined ? undefined : named.table[named.name];
        if (named.name === undefined) {
          findings.add(
            file,
            subject,
            lineOf(named.node),
            `id ${named.id} is not named in a table of built-in names`,
          );
        } else if (expected === undefined) {
          findings.add(
            file,
            subject,
            lineOf(named.node),
            `"${named.name}" is not a known built-in definition`,
          );
        } else if (expected.toLowerCase() !== named.id.toLowerCase()) {
          findings.add(
            file,
            subject,
            lineOf(named.node),
            `id ${named.id} is not "${named.name}" (expected ${expected})`,
          );
        }
      }
    }
    return { checked, findings: findings.items };
  },
};

export const leastPrivilegeRoles: Rule = {
  id: 'least-privilege-role-assignment',
  title:
    'Role assignments grant an allowed data-plane role to a service principal, ' +
    'scoped to one resource',
  check(project) {
    const findings = new FindingList(this.id);
    const assignments = resourcesOfType(project, ['Microsoft.Authorization/roleAssignments']);
    for (const { file, resource } of assignments) {
      const roleId = prop(resource, 'properties.roleDefinitionId');
      const scopeSymbol = resource.scopeText?.replace(/\[.*\]$/, '');
      if (
        scopeSymbol === undefined ||
        !file.resources.some((other) => other.symbol === scopeSymbol)
      ) {
        findings.addFor(
          file,
          resource,
          'scope must be the resource the role applies to (not the group or subscription)',
        );
      }
      if (roleId?.kind !== 'expression' || !/^builtInRoleNames\[/.test(roleId.text)) {
        findings.addFor(
          file,
          resource,
          'roleDefinitionId must come from the builtInRoleNames table',
        );
      }
      if (!isLiteral(prop(resource, 'properties.principalType'), 'ServicePrincipal')) {
        findings.addFor(
          file,
          resource,
          "principalType must be 'ServicePrincipal' (the app's managed identity)",
        );
      }
    }
    let checked = assignments.length;
    for (const file of project.files) {
      for (const named of findDefinitionIds(file.root).filter(
        (item) => item.table === BUILT_IN_ROLE_IDS,
      )) {
        checked += 1;
        if (named.name !== undefined && !ALLOWED_APP_ROLES.has(named.name)) {
          findings.add(
            file,
            named.name,
            lineOf(named.node),
            `"${named.name}" is not an allowed data-plane role`,
          );
        }
      }
    }
    for (const { file, resource } of resourcesOfType(project, [
      'Microsoft.DocumentDB/databaseAccounts/sqlRoleAssignments',
    ])) {
      checked += 1;
      const scope = prop(resource, 'properties.scope');
      if (scope === undefined || !scope.node.text.includes('/dbs/')) {
        findings.addFor(
          file,
          resource,
          'Cosmos DB role assignment must be scoped to a database, not the account',
        );
      }
    }
    return { checked, findings: findings.items };
  },
};
