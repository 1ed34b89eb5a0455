// What a ProwJob (and so deck and the PR status) says when no running controller runs its agent
// (docs/jenkins.md "No silent do-nothing"); checkconfig warns with the same words.

export function noControllerDescription(agent: string): string {
  return `no controller for agent ${agent} is running`;
}
