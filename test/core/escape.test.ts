import { html, md } from "../../src/core/render/escape.js";
import { liveElements } from "../../src/sim/markdown.js";

/** The escaping helper on its own: the cases the property test (hostile-text.test.ts) stands on. */

test("md.code: a fence longer than any backtick run, padding around a backtick at either end, one line", () => {
  expect(md.code("main")).toBe("`main`");
  expect(md.code("x`@victim`")).toBe("`` x`@victim` ``");
  expect(md.code("a ``` b")).toBe("````a ``` b````");
  expect(md.code(" both ")).toBe("`  both  `");
  expect(md.code("one\n\n# two\r\nthree")).toBe("`one  # two three`");
  expect(md.code("")).toBe("` `");
  expect(md.code("x".repeat(2000))).toHaveLength(2 + 500 + 1);
  expect(liveElements(`see ${md.code("x`@victim` <b> [a](https://e.example) #1 https://e.example")}`)).toEqual({
    mentions: [],
    references: [],
    links: [],
    autolinks: [],
    html: [],
    entities: [],
  });
});

test("md.cell: a pipe inside a code span does not split the table's row", () => {
  const table = `| a | b |\n| --- | --- |\n| ${md.cell("x | @victim")} | y |`;
  expect(liveElements(table).mentions).toEqual([]);
});

test("md.text: the same words, no markup, no mention, reference or bare link", () => {
  expect(md.text("WASI Proposal")).toBe("WASI Proposal");
  const text = md.text("@victim org/repo#1 <img src=x> [a](b) www.evil.example https://evil.example &#64;x a@b.co");
  expect(liveElements(text)).toEqual({ mentions: [], references: [], links: [], autolinks: [], html: [], entities: [] });
});

test("md.link and md.url: only http(s), normalised so nothing ends the link early", () => {
  expect(md.link("`ci`", "https://ci.example/run/1")).toBe("[`ci`](https://ci.example/run/1)");
  expect(md.link("`ci`", "javascript:alert(1)")).toBe("`ci`");
  expect(md.link("`ci`", "https://user:pw@ci.example/")).toBe("`ci`");
  expect(md.link("`ci`", "https://ci.example/a) [x](y")).toBe("[`ci`](https://ci.example/a%29%20%5Bx%5D%28y)");
  expect(md.url("https://github.com/o/rfcs/pull/1")).toBe("<https://github.com/o/rfcs/pull/1>");
  expect(md.url("ftp://x")).toBe("`ftp://x`");
  expect(md.url("https://e.example/<b>")).toBe("<https://e.example/%3Cb%3E>");
});

test("md.login: named, never notified", () => {
  expect(md.login("abrown")).toBe("@\u200babrown");
  expect(md.login("org/team")).toBe("@\u200borg/team");
  expect(md.login("x [a](b)")).toBe("`x [a](b)`");
  expect(liveElements(md.login("abrown")).mentions).toEqual([]);
});

test("html: text and attributes escaped, links only to the web or this server", () => {
  expect(html.text(`<a href="x">'&'</a>`)).toBe("&lt;a href=&quot;x&quot;&gt;&#39;&amp;&#39;&lt;/a&gt;");
  expect(html.href("javascript:alert(1)")).toBe("");
  expect(html.href("//evil.example")).toBe("");
  expect(html.href("/status")).toBe("/status");
  expect(html.href("https://github.com/o/r/issues/1")).toBe("https://github.com/o/r/issues/1");
});
