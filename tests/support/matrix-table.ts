// Reads the hand-written expectation tables of the role matrix: a header naming the callers, then
// one row per action, each cell saying what that caller must get. Lines starting with # are notes.
//
//   ok   allowed: the call succeeds (and a change writes its audit event)
//   401  refused: not authenticated
//   403  refused: forbidden
//   404  refused as "not found": the caller may not even learn that the thing exists
//   no   refused, 403 or 404: either answer is right for a caller outside the project

export const EXPECTATIONS = ["ok", "401", "403", "404", "no"] as const;
export type Expectation = (typeof EXPECTATIONS)[number];

export interface MatrixRow<C extends string> {
  id: string;
  cells: { caller: C; expected: Expectation }[];
}

/** Parses a table whose header row lists exactly `callers`, in order; throws on any malformed line. */
export function parseMatrix<C extends string>(text: string, callers: readonly C[]): MatrixRow<C>[] {
  const lines = text
    .split("\n")
    .map((line) => line.trim())
    .filter((line) => line !== "" && !line.startsWith("#"));
  const [header, ...body] = lines;
  if (!header) throw new Error("The table is empty");
  const columns = header.split("|").slice(1).join(" ").split(/\s+/).filter(Boolean);
  if (columns.join(" ") !== callers.join(" "))
    throw new Error(
      `The header must name the callers in this order: ${callers.join(" ")}; it names ${columns.join(" ")}`,
    );
  const seen = new Set<string>();
  return body.map((line) => {
    const [label, ...rest] = line.split("|");
    const id = label!.trim();
    const values = rest.join(" ").split(/\s+/).filter(Boolean);
    if (!id) throw new Error(`A row without an action: ${line}`);
    if (seen.has(id)) throw new Error(`${id} appears twice`);
    seen.add(id);
    if (values.length !== callers.length)
      throw new Error(`${id}: ${values.length} cells for ${callers.length} callers`);
    const bad = values.filter((v) => !(EXPECTATIONS as readonly string[]).includes(v));
    if (bad.length) throw new Error(`${id}: unknown cell ${bad.join(", ")} (use ${EXPECTATIONS.join(", ")})`);
    return { id, cells: values.map((v, i) => ({ caller: callers[i]!, expected: v as Expectation })) };
  });
}

/** The statuses a refusal may answer with. */
export function refusalStatuses(expected: Exclude<Expectation, "ok">): number[] {
  return expected === "no" ? [403, 404] : [Number(expected)];
}
