import { type PlanDocument, planToJson, planToMarkdown } from "@/lib/domain/plan-markdown";

/** A file name from the plan's words: "One-page checkout" 2.4.0 → one-page-checkout-2.4.0.md */
export function exportFileName(document: PlanDocument, format: "markdown" | "json"): string {
  const base =
    `${document.name} ${document.version}`
      .normalize("NFKD")
      .replace(/\p{M}/gu, "")
      .toLowerCase()
      .replace(/[^a-z0-9.]+/g, "-")
      .replace(/^-+|-+$/g, "")
      .slice(0, 80) || "plan";
  return `${base}.${format === "markdown" ? "md" : "json"}`;
}

/** The export as a response: a download (attachment) for people, inline for pipelines. */
export function exportResponse(document: PlanDocument, format: "markdown" | "json", download: boolean): Response {
  const body = format === "markdown" ? planToMarkdown(document) : planToJson(document);
  const type = format === "markdown" ? "text/markdown; charset=utf-8" : "application/json; charset=utf-8";
  return new Response(body, {
    headers: {
      "content-type": type,
      "content-disposition": `${download ? "attachment" : "inline"}; filename="${exportFileName(document, format)}"`,
      "cache-control": "no-store",
      "x-content-type-options": "nosniff",
    },
  });
}
