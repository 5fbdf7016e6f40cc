/**
 * One client per installation, kept. Probot's `auth(installationId)` builds a new Octokit, with
 * every plugin, at each call: per delivery, that was a tenth of the worker's CPU. A kept client
 * renews its own token (@octokit/auth-app asks again when it expires). At most `max` are kept,
 * the least recently used going first; one that failed to build is not kept.
 */
export function installationClients<T>(build: (installationId: number) => Promise<T>, max = 256): (installationId: number) => Promise<T> {
  const clients = new Map<number, Promise<T>>();
  return (installationId) => {
    const kept = clients.get(installationId);
    if (kept) {
      clients.delete(installationId); // re-inserted: Map order is recency
      clients.set(installationId, kept);
      return kept;
    }
    const client = build(installationId);
    clients.set(installationId, client);
    client.catch(() => clients.get(installationId) === client && clients.delete(installationId));
    if (clients.size > max) clients.delete(clients.keys().next().value!);
    return client;
  };
}
