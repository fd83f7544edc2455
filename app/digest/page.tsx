import Link from "next/link";
import { notFound } from "next/navigation";
import { DigestScheduleForm } from "@/components/digest/schedule-form";
import { Card } from "@/components/ui/card";
import { DatabaseUnavailable } from "@/components/ui/database-unavailable";
import { requireUser } from "@/lib/auth/session";
import type { Inline, Line } from "@/lib/domain/digest";
import { describeSlot } from "@/lib/domain/digest-schedule";
import { formatExact } from "@/lib/domain/time";
import { loadDigestView } from "@/lib/queries/digest";
import { readWithDatabase } from "@/lib/queries/read";

export const dynamic = "force-dynamic";
export const metadata = { title: "Weekly digest" };

type Props = { searchParams: Promise<Record<string, string | string[] | undefined>> };

// The weekly digest as a page: the same document as the Markdown download and the webhook's
// message, shown as HTML built from its parts (React escapes every word), the Markdown beside it.

function InlinePart({ part }: { part: Inline }) {
  if (typeof part === "string") return <>{part}</>;
  if ("strong" in part) return <strong>{part.strong}</strong>;
  return (
    <Link href={part.link} className="font-medium text-accent-700 underline dark:text-accent-300">
      {part.text}
    </Link>
  );
}

const LineOf = ({ line }: { line: Line }) => (
  <>
    {line.map((part, i) => (
      <InlinePart key={i} part={part} />
    ))}
  </>
);

export default async function DigestPage({ searchParams }: Props) {
  const params = await searchParams;
  const slug = typeof params.project === "string" && params.project ? params.project : null;
  const now = new Date();
  const result = await readWithDatabase(async (db) =>
    loadDigestView(db, await requireUser(), { projectSlug: slug, now }),
  );
  if (!result.ok) return <DatabaseUnavailable reason={result.reason} />;
  if (!result.data) notFound();
  const { document, markdown, scope, projectId, scheduling } = result.data;
  const download = `/digest/download${scope.kind === "project" ? `?project=${encodeURIComponent(scope.slug)}` : ""}`;

  return (
    <div className="space-y-6">
      <div className="flex flex-wrap items-start justify-between gap-3">
        <div>
          <h1 className="text-2xl font-semibold tracking-tight">{document.title}</h1>
          <p className="mt-1 text-sm text-slate-600 dark:text-slate-400">
            {document.period}.{" "}
            {scope.kind === "project" ? (
              <Link href="/digest" className="text-accent-700 underline dark:text-accent-300">
                The whole portfolio
              </Link>
            ) : (
              "Every project you can read."
            )}
          </p>
        </div>
        <a
          href={download}
          download
          className="rounded-md border border-slate-300 bg-white px-3 py-1.5 text-sm font-medium hover:bg-slate-50 dark:border-slate-700 dark:bg-slate-900 dark:hover:bg-slate-800"
          data-testid="digest-download"
        >
          Download Markdown
        </a>
      </div>

      {document.sections.map((section) => (
        <Card key={section.id} id={`digest-${section.id}`} title={section.heading}>
          {section.items.length === 0 ? (
            <p className="text-sm text-slate-600 dark:text-slate-400">{section.empty}</p>
          ) : (
            <ul className="space-y-2 text-sm">
              {section.items.map((item, i) => (
                <li key={i}>
                  <LineOf line={item.line} />
                  {item.details.length ? (
                    <ul className="mt-1 list-disc space-y-0.5 pl-5 text-slate-600 dark:text-slate-400">
                      {item.details.map((d, j) => (
                        <li key={j}>
                          <LineOf line={d} />
                        </li>
                      ))}
                    </ul>
                  ) : null}
                </li>
              ))}
            </ul>
          )}
        </Card>
      ))}

      {scheduling ? (
        <Card id="digest-schedule" title="Send every week">
          <p className="mb-3 text-sm text-slate-600 dark:text-slate-400">
            {scheduling.schedule?.enabled && scheduling.schedule.nextDueAt
              ? `Sent ${describeSlot(scheduling.schedule)}; next on ${formatExact(scheduling.schedule.nextDueAt)}.`
              : "Not sent on a schedule yet."}
            {scheduling.schedule?.lastSentAt ? ` Last sent ${formatExact(scheduling.schedule.lastSentAt)}.` : ""}
          </p>
          <DigestScheduleForm projectId={projectId} schedule={scheduling.schedule} webhooks={scheduling.webhooks} />
        </Card>
      ) : null}

      <details className="rounded-lg border border-slate-200 bg-white p-4 text-sm dark:border-slate-800 dark:bg-slate-900">
        <summary className="cursor-pointer font-medium">Markdown</summary>
        <pre className="mt-3 overflow-x-auto text-xs whitespace-pre-wrap" data-testid="digest-markdown" tabIndex={0}>
          {markdown}
        </pre>
      </details>
    </div>
  );
}
