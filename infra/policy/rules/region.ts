import type { BicepFile, ParamDecl, SyntaxNode } from '../bicep-model.js';
import { stringContent } from '../bicep-model.js';
import { paramOf } from '../bicep-values.js';
import { US_REGIONS } from '../known-ids.js';
import { FindingList, type Project, type Rule } from '../rule.js';

const LOCATION_KEYS = new Set(['location', 'locationName']);

/** The string literals a type name stands for, following `import { x } from '...'`. */
function unionMembers(project: Project, file: BicepFile, typeName: string): string[] | undefined {
  const local = file.types.get(typeName);
  if (local !== undefined) {
    return literalsOf(local);
  }
  const source = file.imports.find((entry) => entry.names.includes(typeName));
  if (source === undefined) {
    return undefined;
  }
  const target = resolveRelative(file.path, source.from);
  const imported = project.files.find((candidate) => candidate.path === target);
  const declaration = imported?.types.get(typeName);
  return declaration === undefined ? undefined : literalsOf(declaration);
}

function literalsOf(typeDeclaration: SyntaxNode): string[] | undefined {
  const union = typeDeclaration.namedChildren.find((child) => child.type === 'union_type');
  return union?.namedChildren.filter((child) => child.type === 'string').map(stringContent);
}

/** Joins a relative module or import path onto the importing file's folder (posix paths). */
export function resolveRelative(fromFile: string, relativePath: string): string {
  const parts = fromFile.split('/').slice(0, -1);
  for (const segment of relativePath.split('/')) {
    if (segment === '..') {
      parts.pop();
    } else if (segment !== '.' && segment !== '') {
      parts.push(segment);
    }
  }
  return parts.join('/');
}

function allowedRegions(project: Project, file: BicepFile, param: ParamDecl): string[] | undefined {
  const allowed = param.decorators.find((decorator) => decorator.name === 'allowed')?.args[0];
  if (allowed?.kind === 'array') {
    return allowed.items.map((item) => (item.kind === 'string' ? item.value : item.node.text));
  }
  return unionMembers(project, file, param.typeText.replace(/\?$/, ''));
}

export const usRegionOnly: Rule = {
  id: 'us-region-only',
  title: 'Every location is a validated US region (allowed list or usRegion type)',
  check(project) {
    const findings = new FindingList(this.id);
    let checked = 0;
    for (const file of project.files) {
      const regionParams = new Set<string>();
      for (const param of file.params.filter((candidate) => /location/i.test(candidate.name))) {
        checked += 1;
        const regions = allowedRegions(project, file, param);
        const outside = regions?.filter((region) => !US_REGIONS.has(region.toLowerCase()));
        if (regions === undefined || regions.length === 0) {
          findings.add(
            file,
            param.name,
            param.line,
            'location parameter has no allowed list of US regions',
          );
        } else if (outside !== undefined && outside.length > 0) {
          findings.add(
            file,
            param.name,
            param.line,
            `allowed list includes non-US regions: ${outside.join(', ')}`,
          );
        } else {
          regionParams.add(param.name);
        }
      }
      for (const resource of file.resources.filter((candidate) => !candidate.existing)) {
        for (const key of LOCATION_KEYS) {
          const values = collectLocationValues(resource.body, key);
          for (const value of values) {
            checked += 1;
            const problem = locationProblem(file, value, regionParams);
            if (problem !== undefined) {
              findings.add(file, resource.symbol, value.line, problem);
            }
          }
        }
      }
    }
    for (const parameterFile of project.parameterFiles) {
      const location = readParameterValue(parameterFile.json, 'location');
      if (location === undefined) {
        continue;
      }
      checked += 1;
      if (typeof location !== 'string' || !US_REGIONS.has(location.toLowerCase())) {
        findings.add(
          parameterFile,
          'location',
          1,
          `location ${JSON.stringify(location)} is not a US region`,
        );
      }
    }
    return { checked, findings: findings.items };
  },
};

type Value = NonNullable<Parameters<typeof paramOf>[1]>;

function collectLocationValues(value: Value | undefined, key: string, into: Value[] = []): Value[] {
  if (value?.kind === 'object') {
    for (const [name, child] of value.properties) {
      if (name === key) {
        into.push(child);
      } else {
        collectLocationValues(child, key, into);
      }
    }
  } else if (value?.kind === 'array') {
    for (const item of value.items) {
      collectLocationValues(item, key, into);
    }
  }
  return into;
}

function locationProblem(
  file: BicepFile,
  value: Value,
  regionParams: ReadonlySet<string>,
): string | undefined {
  if (value.kind === 'string' && !value.interpolated) {
    const region = value.value.toLowerCase();
    return region === 'global' || US_REGIONS.has(region)
      ? undefined
      : `location '${value.value}' is not a US region`;
  }
  const param = paramOf(file, value);
  if (param !== undefined && regionParams.has(param.name)) {
    return undefined;
  }
  return `location ${value.node.text} is not a validated US-region parameter`;
}

function readParameterValue(json: unknown, name: string): unknown {
  if (typeof json !== 'object' || json === null) {
    return undefined;
  }
  const parameters = (json as { parameters?: Record<string, { value?: unknown }> }).parameters;
  return parameters?.[name]?.value;
}
