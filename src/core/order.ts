/**
 * Text order by UTF-16 code units, not `localeCompare`: the same on every Node and ICU version, so a
 * comment rendered by one replica reads the same when another renders it again (an unchanged body
 * is not edited), and the server never loads ICU's collation tables (~2 MB resident).
 */
export const compareText = (a: string, b: string): number => (a < b ? -1 : a > b ? 1 : 0);
