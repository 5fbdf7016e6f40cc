import { installationClients } from "../../src/github/installation-clients.js";

/** One client per installation, kept: built once, rebuilt after a failure, the least recently used dropped past the bound. */
test("a client is built once per installation and kept; a failed build is not kept; past the bound the least recently used goes", async () => {
  const built: number[] = [];
  let failNext = false;
  const client = installationClients(async (id) => {
    built.push(id);
    if (failNext) {
      failNext = false;
      throw new Error("GitHub unreachable");
    }
    return { id, serial: built.length };
  }, 2);

  const first = await client(1);
  expect(await client(1)).toBe(first); // kept
  expect(built).toEqual([1]);

  failNext = true;
  await expect(client(2)).rejects.toThrow("GitHub unreachable");
  const second = await client(2); // built again: the failure was not kept
  expect(second).toEqual({ id: 2, serial: 3 });
  expect(built).toEqual([1, 2, 2]);

  await client(1); // 1 is now the most recently used
  await client(3); // past the bound of 2: 2, the least recently used, goes
  expect(await client(1)).toBe(first);
  expect(built).toEqual([1, 2, 2, 3]);
  await client(2);
  expect(built).toEqual([1, 2, 2, 3, 2]);
});
