// The bot's identity, users, org membership, collaborators and teams.
import type { GitHubCall } from '../call.js';
import { isLoginLike, sameLogin } from '../login.js';
import { toCollaborator, toTeam, toUser, toUserRef } from '../map.js';
import type { Collaborator, GitHubClient, Permission, PermissionLevel, Team, TeamMembership, User, UserRef } from '../types.js';

type OrgMethods = Pick<GitHubClient, 'botUser' | 'getUser' | 'isMember' | 'listOrgMembers' | 'isCollaborator' | 'listCollaborators' | 'getPermission' | 'listTeams' | 'listTeamMembers' | 'getTeamMembership'>;

export function orgMethods(call: GitHubCall): OrgMethods {
  return {
    botUser(): Promise<User> {
      return call.connection.botUser(async () => {
        if (call.connection.isApp) {
          const slug = await call.connection.appSlug();
          return { login: `${slug}[bot]`, id: 0, type: 'Bot', name: null, email: null };
        }
        return toUser((await call.request(undefined, 'GET /user')).data);
      });
    },

    async getUser(login: string): Promise<User | undefined> {
      return call.orUndefined(async () => toUser((await call.request(undefined, 'GET /users/{username}', { username: login })).data));
    },

    async isMember(org: string, login: string): Promise<boolean> {
      if (!isLoginLike(login)) return false;
      if (sameLogin(org, login)) return true;
      return call.exists(org, 'GET /orgs/{org}/members/{username}', { org, username: login });
    },

    async listOrgMembers(org: string, role: 'all' | 'admin' | 'member' = 'all'): Promise<UserRef[]> {
      return (await call.paginate(org, 'GET /orgs/{org}/members', { org, role })).map(toUserRef);
    },

    async isCollaborator(org: string, repo: string, login: string): Promise<boolean> {
      if (!isLoginLike(login)) return false;
      if (sameLogin(org, login)) return true;
      return call.exists(org, 'GET /repos/{owner}/{repo}/collaborators/{username}', { owner: org, repo, username: login });
    },

    async listCollaborators(org: string, repo: string): Promise<Collaborator[]> {
      return (await call.paginate(org, 'GET /repos/{owner}/{repo}/collaborators', { owner: org, repo })).map(toCollaborator);
    },

    async getPermission(org: string, repo: string, login: string): Promise<Permission> {
      const data = (await call.request(org, 'GET /repos/{owner}/{repo}/collaborators/{username}/permission', { owner: org, repo, username: login })).data as { permission?: string; role_name?: string };
      const permission = (['admin', 'write', 'read', 'none'].includes(data.permission ?? '') ? data.permission : 'none') as PermissionLevel;
      return { permission, roleName: data.role_name ?? permission };
    },

    async listTeams(org: string): Promise<Team[]> {
      return (await call.paginate(org, 'GET /orgs/{org}/teams', { org })).map(toTeam);
    },

    async listTeamMembers(org: string, teamSlug: string, role: 'all' | 'member' | 'maintainer' = 'all'): Promise<UserRef[]> {
      return (await call.paginate(org, 'GET /orgs/{org}/teams/{team_slug}/members', { org, team_slug: teamSlug, role })).map(toUserRef);
    },

    async getTeamMembership(org: string, teamSlug: string, login: string): Promise<TeamMembership | undefined> {
      return call.orUndefined(async () => {
        const data = (await call.request(org, 'GET /orgs/{org}/teams/{team_slug}/memberships/{username}', { org, team_slug: teamSlug, username: login })).data as { role?: string; state?: string };
        return { role: data.role === 'maintainer' ? 'maintainer' : 'member', state: data.state === 'pending' ? 'pending' : 'active' };
      });
    },
  };
}
