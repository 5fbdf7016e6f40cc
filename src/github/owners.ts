import type { Logger } from "pino";
import type { Component, Owner, Registry, RepoRef } from "../core/model.js";
import { ownerKey, ownersToLookUp, type OwnerLookups, type OwnerStatus } from "../core/registry-findings.js";
import type { Permission } from "../core/commands.js";
import type { Octokit } from "./octokit.js";

/** Permission answers kept at most; the oldest goes first. */
const PERMISSIONS_KEPT = 10_000;

/**
 * Is this login an owner of the component: listed by name, or an active member of a listed
 * team? Team membership needs GitHub; answers are memoised for a few minutes, and any error
 * counts as "no" (fail closed: an unverifiable owner never stops or starts a clock).
 */
export class OwnerCheck {
  private readonly memo = new Map<string, { member: boolean; until: number }>();
  private readonly permissions = new Map<string, { permission: Permission; until: number }>();

  constructor(private readonly ttlMs = 5 * 60_000) {}

  async isOwner(octokit: () => Promise<Octokit>, component: Component, login: string, now = Date.now()): Promise<boolean> {
    const who = login.toLowerCase();
    if (component.owners.some((o) => o.kind === "user" && o.login.toLowerCase() === who)) return true;
    for (const owner of component.owners) {
      if (owner.kind === "team" && (await this.isMember(octokit, owner.org, owner.slug, who, now))) return true;
    }
    return false;
  }

  /** Does `login` answer for `handle`: the user themself, or an active member of the team `org/slug`? */
  async answersFor(octokit: () => Promise<Octokit>, handle: string, login: string, now = Date.now()): Promise<boolean> {
    const [org, slug] = handle.split("/");
    if (slug === undefined) return org.toLowerCase() === login.toLowerCase();
    return this.isMember(octokit, org, slug, login.toLowerCase(), now);
  }

  /**
   * The user's permission on the repository, as `/tier freeze` needs it. Cached per repository
   * and user for `ttlMs` (5 minutes), in memory, at most PERMISSIONS_KEPT entries: a comment of
   * many commands, or many comments, cost one lookup. The price is staleness: access granted or
   * revoked on GitHub takes effect here within those minutes. A failed lookup answers "none"
   * (fail closed) and is not cached, so the next command asks again.
   */
  async permission(octokit: () => Promise<Octokit>, repo: RepoRef, login: string, now = Date.now()): Promise<Permission> {
    const key = `${repo.id}/${login.toLowerCase()}`;
    const cached = this.permissions.get(key);
    if (cached && cached.until > now) return cached.permission;
    let permission: Permission;
    try {
      const { data } = await (await octokit()).rest.repos.getCollaboratorPermissionLevel({ owner: repo.owner, repo: repo.name, username: login });
      // role_name tells maintain and triage apart; custom roles fall back to the base permission.
      const roles: Permission[] = ["admin", "maintain", "write", "triage", "read"];
      permission = roles.includes(data.role_name as Permission) ? (data.role_name as Permission) : (data.permission as Permission);
    } catch {
      return "none"; // unverifiable: fail closed
    }
    this.permissions.delete(key);
    if (this.permissions.size >= PERMISSIONS_KEPT) this.permissions.delete(this.permissions.keys().next().value!);
    this.permissions.set(key, { permission, until: now + this.ttlMs });
    return permission;
  }

  private async isMember(octokit: () => Promise<Octokit>, org: string, team: string, login: string, now: number): Promise<boolean> {
    const key = `${org}/${team}/${login}`.toLowerCase();
    const memo = this.memo.get(key);
    if (memo && memo.until > now) return memo.member;
    let member = false;
    try {
      const { data } = await (await octokit()).rest.teams.getMembershipForUserInOrg({ org, team_slug: team, username: login });
      member = data.state === "active";
    } catch {
      member = false; // 404 for non-members; anything else is unverifiable: fail closed
    }
    if (this.memo.size > 10_000) this.memo.clear();
    this.memo.set(key, { member, until: now + this.ttlMs });
    return member;
  }
}

/**
 * Whether the registry's owners exist for GitHub: each distinct owner once, within OWNER_LOOKUP_LIMIT: users must be collaborators,
 * teams must exist. Only teams of the repository's own organisation are asked about: the
 * installation cannot see another organisation's teams, so a 404 there would prove nothing.
 * An answer other than yes or 404 leaves the owner unknown (no finding).
 */
export async function lookUpOwners(octokit: Octokit, repo: RepoRef, head: Registry, base: Registry | undefined, log: Logger): Promise<OwnerLookups> {
  const ownOrg = (o: Owner) => o.kind === "user" || o.org.toLowerCase() === repo.owner.toLowerCase();
  const { owners, unchecked } = ownersToLookUp(head, base, ownOrg);
  const statuses = new Map<string, OwnerStatus>();
  // One at a time: GitHub's secondary rate limits punish bursts of concurrent requests.
  for (const owner of owners) {
    try {
      if (owner.kind === "user") await octokit.rest.repos.checkCollaborator({ owner: repo.owner, repo: repo.name, username: owner.login });
      else await octokit.rest.teams.getByName({ org: owner.org, team_slug: owner.slug });
      statuses.set(ownerKey(owner), "ok");
    } catch (error) {
      const status = (error as { status?: number }).status;
      if (status === 404) statuses.set(ownerKey(owner), owner.kind === "user" ? "not-collaborator" : "no-such-team");
      else log.warn({ err: error, owner: ownerKey(owner) }, "cannot look up an owner");
    }
  }
  return { statuses, unchecked };
}
