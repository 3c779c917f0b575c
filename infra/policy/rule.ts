import type { BicepFile, ResourceDecl } from './bicep-model.js';

/** A JSON deployment parameter file (`*.parameters.json`). */
export interface ParameterFile {
  readonly path: string;
  readonly text: string;
  readonly json: unknown;
}

/** Every template and parameter file a check run sees. */
export interface Project {
  readonly files: readonly BicepFile[];
  readonly parameterFiles: readonly ParameterFile[];
}

/** One broken rule at one place. */
export interface Finding {
  readonly ruleId: string;
  /** Symbolic name of the resource (or parameter, or file) at fault. */
  readonly subject: string;
  readonly file: string;
  readonly line: number;
  readonly message: string;
}

export interface RuleResult {
  /** How many resources (or parameters, files) the rule examined. */
  readonly checked: number;
  readonly findings: readonly Finding[];
}

/** A named policy check over the templates. */
export interface Rule {
  readonly id: string;
  readonly title: string;
  check(project: Project): RuleResult;
}

/** The one-line message a finding prints: rule, resource, file:line, what is wrong. */
export function formatFinding(finding: Finding): string {
  const where = `${finding.file}:${finding.line}`;
  return `[${finding.ruleId}] ${finding.subject} (${where}): ${finding.message}`;
}

/** Collects findings for one rule with the rule id filled in. */
export class FindingList {
  readonly items: Finding[] = [];

  constructor(private readonly ruleId: string) {}

  add(file: BicepFile | ParameterFile, subject: string, line: number, message: string): void {
    this.items.push({ ruleId: this.ruleId, subject, file: file.path, line, message });
  }

  addFor(file: BicepFile, resource: ResourceDecl, message: string): void {
    this.add(file, resource.symbol, resource.line, message);
  }
}

/** Every declared (not `existing`) resource of the given types, with its file. */
export function resourcesOfType(
  project: Project,
  types: readonly string[],
): { file: BicepFile; resource: ResourceDecl }[] {
  const wanted = new Set(types.map((type) => type.toLowerCase()));
  return project.files.flatMap((file) =>
    file.resources
      .filter((resource) => !resource.existing && wanted.has(resource.type.toLowerCase()))
      .map((resource) => ({ file, resource })),
  );
}

/** Resources in the same file whose parent is `parent`. */
export function childrenOf(file: BicepFile, parent: ResourceDecl, type: string): ResourceDecl[] {
  return file.resources.filter(
    (resource) =>
      resource.parentSymbol === parent.symbol && resource.type.toLowerCase() === type.toLowerCase(),
  );
}

/**
 * A rule that inspects each declared resource of some types and reports every problem found
 * (one finding per problem, so a fixture can show exactly which property broke).
 */
export function resourceRule(
  id: string,
  title: string,
  types: readonly string[],
  inspect: (file: BicepFile, resource: ResourceDecl) => string[],
): Rule {
  return {
    id,
    title,
    check(project) {
      const findings = new FindingList(id);
      const targets = resourcesOfType(project, types);
      for (const { file, resource } of targets) {
        for (const problem of inspect(file, resource)) {
          findings.addFor(file, resource, problem);
        }
      }
      return { checked: targets.length, findings: findings.items };
    },
  };
}
