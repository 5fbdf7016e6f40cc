import type { Component } from "../core/model.js";
import type { Octokit } from "../handlers/deps.js";

/**
 * Is this login an owner of the component: listed by name, or an active member of a listed
 * team? Team membership needs GitHub; answers are memoised for a few minutes, and any error
 * counts as "no" (fail closed: an unverifiable owner never stops or starts a clock).
 */
export class OwnerCheck {
  private readonly memo = new Map<string, { member: boolean; until: number }>();

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
