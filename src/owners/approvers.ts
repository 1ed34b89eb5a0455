// The approval computation and the approve notification (docs/plugins-core.md,
// upstream pkg/plugins/approve/approvers/owners.go). Pure functions over a RepoOwners view.
import type { RepoOwners } from './types.js';
import { goDir } from './repo-owners.js';
import { GoRand } from '../go/rand.js';

export type ApprovalOwners = Pick<
  RepoOwners,
  'approvers' | 'leafApprovers' | 'findApproverOwnersForFile' | 'isNoParentOwners' | 'isAutoApproveUnownedSubfolders'
>;

export interface Approval {
  /** As the user wrote it (may contain upper case). */
  login: string;
  /** "Approved" | "LGTM" | "Author self-approved" */
  how: string;
  reference: string;
  noIssue: boolean;
}

const sorted = (s: Iterable<string>): string[] => [...s].sort();

function canonical(p: string): string {
  return p === '.' ? '' : p;
}

/** The changed files of a PR against its OWNERS (upstream approvers.Owners). */
export class PullOwners {
  constructor(
    readonly filenames: readonly string[],
    readonly repo: ApprovalOwners,
    readonly seed: number,
  ) {}

  /** Units (OWNERS directories) that need approval: auto-approved subfolders dropped, then subdirs of other units. */
  ownersSet(): Set<string> {
    const owners = new Set<string>();
    for (const f of this.filenames) {
      const unit = this.repo.findApproverOwnersForFile(f);
      // Upstream's substring test, kept as is: a root unit with the option drops every file it owns.
      if (goDir(goDir(f)).includes(unit) && this.repo.isAutoApproveUnownedSubfolders(unit)) continue;
      owners.add(unit);
    }
    this.removeSubdirs(owners);
    return owners;
  }

  private removeSubdirs(dirs: Set<string>): void {
    for (const dir of sorted(dirs)) {
      let path = dir;
      while (!this.repo.isNoParentOwners(path) && canonical(path) !== '') {
        path = goDir(path);
        if (dirs.has(canonical(path))) {
          dirs.delete(dir);
          break;
        }
      }
    }
  }

  private unitsTo(lookup: (f: string) => Set<string>): Map<string, Set<string>> {
    const out = new Map<string, Set<string>>();
    for (const f of this.filenames) {
      const unit = this.repo.findApproverOwnersForFile(f);
      const set = out.get(unit) ?? new Set<string>();
      for (const a of lookup(f)) set.add(a);
      out.set(unit, set);
    }
    const owners = this.ownersSet();
    for (const k of [...out.keys()]) if (!owners.has(k)) out.delete(k);
    return out;
  }

  /** unit → every approver (ancestors included) of its files. */
  getApprovers(): Map<string, Set<string>> {
    return this.unitsTo((f) => this.repo.approvers(f));
  }

  getLeafApprovers(): Map<string, Set<string>> {
    return this.unitsTo((f) => this.repo.leafApprovers(f));
  }

  allPotentialApprovers(): string[] {
    const out: string[] = [];
    for (const set of this.getLeafApprovers().values()) out.push(...set);
    return out.sort();
  }

  shuffledApprovers(): string[] {
    const list = this.allPotentialApprovers();
    // upstream GetShuffledApprovers: rand.New(rand.NewSource(seed)).Perm(n), seeded with the PR number
    return new GoRand(this.seed).perm(list.length).map((i) => list[i]!);
  }

  static reverseMap(approvers: Map<string, Set<string>>): Map<string, Set<string>> {
    const out = new Map<string, Set<string>>();
    for (const [unit, people] of approvers) {
      for (const p of people) {
        const s = out.get(p) ?? new Set<string>();
        s.add(unit);
        out.set(p, s);
      }
    }
    return out;
  }

  private unapprovedWith(approvers: Set<string>): Set<string> {
    const ap = new PullApprovers(this);
    for (const a of approvers) ap.addApprover(a, '', false);
    return ap.unapprovedFiles();
  }

  suggestedApprovers(reverse: Map<string, Set<string>>, potential: readonly string[]): Set<string> {
    const ap = new PullApprovers(this);
    while (!ap.requirementsMet()) {
      const next = findMostCoveringApprover(potential, ap.currentApproversSet(), reverse, ap.unapprovedFiles());
      if (next === '') return ap.currentApproversSet();
      ap.addApprover(next, '', false);
    }
    return ap.currentApproversSet();
  }

  keepCoveringApprovers(reverse: Map<string, Set<string>>, known: Set<string>, potential: readonly string[]): Set<string> {
    const kept = new Set<string>();
    const unapproved = this.unapprovedWith(known);
    for (const s of sorted(this.suggestedApprovers(reverse, potential))) {
      if ([...(reverse.get(s) ?? [])].some((u) => unapproved.has(u))) kept.add(s);
    }
    return kept;
  }
}

function findMostCoveringApprover(all: readonly string[], covered: Set<string>, reverse: Map<string, Set<string>>, unapproved: Set<string>): string {
  let maxCovered = 0;
  let best = '';
  for (const approver of all) {
    const canApprove = reverse.get(approver) ?? new Set<string>();
    const n = [...canApprove].filter((u) => unapproved.has(u)).length;
    // Upstream compares against the full count it stored, not the intersection; kept for identical picks.
    if (n > maxCovered && !covered.has(approver)) {
      maxCovered = canApprove.size;
      best = approver;
    }
  }
  return best;
}

function ciIntersection(one: Iterable<string>, other: Iterable<string>): Set<string> {
  const lower = new Set([...other].map((x) => x.toLowerCase()));
  return new Set([...one].filter((x) => lower.has(x.toLowerCase())));
}

/** The approvals given on a PR and what they cover (upstream approvers.Approvers). */
export class PullApprovers {
  private readonly approvals = new Map<string, Approval>();
  private readonly assignees = new Set<string>();
  associatedIssue = 0;
  requireIssue = false;
  manuallyApproved: () => boolean = () => false;

  constructor(readonly owners: PullOwners) {}

  private keepOld(login: string, noIssue: boolean): boolean {
    const old = this.approvals.get(login.toLowerCase());
    return old !== undefined && old.noIssue && !noIssue;
  }
  private add(login: string, how: string, reference: string, noIssue: boolean): void {
    if (this.keepOld(login, noIssue)) return;
    this.approvals.set(login.toLowerCase(), { login, how, reference, noIssue });
  }
  addApprover(login: string, reference: string, noIssue: boolean): void {
    this.add(login, 'Approved', reference, noIssue);
  }
  addLGTMer(login: string, reference: string, noIssue: boolean): void {
    this.add(login, 'LGTM', reference, noIssue);
  }
  addAuthorSelfApprover(login: string, reference: string, noIssue: boolean): void {
    this.add(login, 'Author self-approved', reference, noIssue);
  }
  removeApprover(login: string): void {
    this.approvals.delete(login.toLowerCase());
  }
  addAssignees(...logins: string[]): void {
    for (const l of logins) this.assignees.add(l.toLowerCase());
  }

  currentApproversSet(): Set<string> {
    return new Set(this.approvals.keys());
  }
  private currentApproversCased(): Set<string> {
    return new Set([...this.approvals.values()].map((a) => a.login));
  }

  noIssueApprovers(): Map<string, Approval> {
    const out = new Map<string, Approval>();
    const reverse = PullOwners.reverseMap(this.owners.getApprovers());
    for (const [login, a] of this.approvals) {
      if (!a.noIssue) continue;
      if ((reverse.get(login)?.size ?? 0) === 0) continue;
      out.set(login, a);
    }
    return out;
  }

  unapprovedFiles(): Set<string> {
    const out = new Set<string>();
    const units = this.owners.ownersSet();
    const current = this.currentApproversCased();
    for (const f of this.owners.filenames) {
      const unit = this.owners.repo.findApproverOwnersForFile(f);
      if (!units.has(unit)) continue;
      if (ciIntersection(this.owners.repo.approvers(f), current).size === 0) out.add(unit);
    }
    return out;
  }

  filesApprovers(): Map<string, Set<string>> {
    const out = new Map<string, Set<string>>();
    const current = this.currentApproversCased();
    for (const [unit, potential] of this.owners.getApprovers()) out.set(unit, ciIntersection(current, potential));
    return out;
  }

  areFilesApproved(): boolean {
    return this.owners.filenames.length !== 0 && this.unapprovedFiles().size === 0;
  }

  requirementsMet(): boolean {
    return this.areFilesApproved() && (!this.requireIssue || this.associatedIssue !== 0 || this.noIssueApprovers().size !== 0);
  }

  isApproved(): boolean {
    return this.requirementsMet() || this.manuallyApproved();
  }

  listApprovals(): Approval[] {
    return sorted(this.approvals.keys()).map((k) => this.approvals.get(k)!);
  }

  listNoIssueApprovals(): Approval[] {
    const m = this.noIssueApprovers();
    return sorted(m.keys()).map((k) => m.get(k)!);
  }

  /** Suggested approvers (upstream GetCCs): leaf set cover, then the assignees that still help. */
  getCCs(): string[] {
    const randomized = this.owners.shuffledApprovers();
    const current = this.currentApproversSet();
    const approversAndAssignees = new Set([...current, ...this.assignees]);
    const leafReverse = PullOwners.reverseMap(this.owners.getLeafApprovers());
    const suggested = this.owners.keepCoveringApprovers(leafReverse, approversAndAssignees, randomized);
    const approversAndSuggested = new Set([...current, ...suggested]);
    const everyone = new Set([...approversAndSuggested, ...this.assignees]);
    const fullReverse = PullOwners.reverseMap(this.owners.getApprovers());
    const keepAssignees = this.owners.keepCoveringApprovers(fullReverse, approversAndSuggested, sorted(everyone));
    return sorted(new Set([...suggested, ...keepAssignees]));
  }

  assignedCCs(): string[] {
    return this.getCCs().filter((c) => this.assignees.has(c));
  }

  suggestedCCs(): string[] {
    return this.getCCs().filter((c) => !this.assignees.has(c));
  }
}

export interface MessageOptions {
  /** config.yaml github.link_url (default https://github.com). */
  linkURL: string;
  commandHelpLink: string;
  prProcessLink: string;
  org: string;
  repo: string;
  branch: string;
  ownersFilename: string;
}

export const APPROVAL_NOTIFICATION_NAME = 'ApprovalNotifier';

function approvalString(a: Approval): string {
  return `*<a href="${a.reference}" title="${a.how}">${a.login}</a>*`;
}

function userLinks(logins: readonly string[]): string {
  return logins.map((l) => `[${l}](https://github.com/${l})`).join(', ');
}

function fileLine(baseURL: string, branch: string, unit: string, ownersFilename: string, approvers: Set<string>, approved: boolean): string {
  const full = unit.endsWith('.md') ? unit : unit === '' ? ownersFilename : `${unit}/${ownersFilename}`;
  const link = `${baseURL}/blob/${branch}/${full}`;
  const names = sorted(approvers).join(',');
  if (approved) return `- ~~[${full}](${link})~~ [${names}]\n`;
  if (approvers.size > 0) return `- **[${full}](${link})** [${names}]\n  > Need more approvers for rest parts.\n`;
  return `- **[${full}](${link})**\n`;
}

/** The approve notification (upstream approvers.GetMessage), byte for byte for the same inputs. */
export function approvalMessage(ap: PullApprovers, o: MessageOptions): string {
  const manual = ap.manuallyApproved();
  const filesApproved = ap.areFilesApproved();
  const needsFiles = !filesApproved && !manual;
  let m = '';
  if (!ap.requirementsMet() && manual) m += '\nApproval requirements bypassed by manually added approval.\n\n';
  m += 'This pull-request has been approved by:';
  ap.listApprovals().forEach((a, i) => {
    m += (i > 0 ? ', ' : ' ') + approvalString(a);
  });
  if (needsFiles) {
    m += '\n';
    const suggested = ap.suggestedCCs();
    const assigned = ap.assignedCCs();
    const process = ` For more information see [the Code Review Process](${o.prProcessLink}).`;
    const once = '**Once this PR has been reviewed and has the lgtm label**, ';
    if (suggested.length > 0) {
      if (assigned.length > 0) m += `${once}please ask for approval from ${userLinks(assigned)} and additionally assign ${userLinks(suggested)} for approval.${process}`;
      else m += `${once}please assign ${userLinks(suggested)} for approval.${process}`;
    } else if (assigned.length > 0) {
      m += `${once}please ask for approval from ${userLinks(assigned)}.${process}`;
    }
  }
  m += '\n\n';
  if (ap.requireIssue) {
    if (ap.associatedIssue) m += `Associated issue: *#${ap.associatedIssue}*\n\n`;
    else if (ap.noIssueApprovers().size > 0) {
      m += 'Associated issue requirement bypassed by:';
      ap.listNoIssueApprovals().forEach((a, i) => {
        m += (i > 0 ? ', ' : ' ') + approvalString(a);
      });
      m += '\n\n';
    } else if (manual) m += '*No associated issue*. Requirement bypassed by manually added approval.\n\n';
    else m += '*No associated issue*. Update pull-request body to add a reference to an issue, or get approval with `/approve no-issue`\n\n';
  }
  m += `The full list of commands accepted by this bot can be found [here](${o.commandHelpLink}?repo=${o.org}%2F${o.repo}).\n\n`;
  if (filesApproved || manual) m += `The pull request process is described [here](${o.prProcessLink})\n\n`;
  m += `<details ${needsFiles ? 'open' : ''}>\nNeeds approval from an approver in each of these files:\n\n`;
  const baseURL = `${o.linkURL.replace(/\/+$/, '')}/${o.org}/${o.repo}`;
  const unapproved = ap.unapprovedFiles();
  const filesApprovers = ap.filesApprovers();
  for (const unit of sorted(ap.owners.ownersSet())) {
    m += fileLine(baseURL, o.branch, unit, o.ownersFilename, filesApprovers.get(unit) ?? new Set(), !unapproved.has(unit));
  }
  m += '\nApprovers can indicate their approval by writing `/approve` in a comment\n';
  m += 'Approvers can cancel approval by writing `/approve cancel` in a comment\n</details>';
  m += `\n<!-- META=${JSON.stringify({ approvers: ap.getCCs() })} -->`;
  const title = `This PR is **${ap.isApproved() ? '' : 'NOT '}APPROVED**`;
  return `[${APPROVAL_NOTIFICATION_NAME.toUpperCase()}] ${title}\n\n${m.trim()}`;
}
