import { AnswerExcerpt } from "@/components/ui/answer-excerpt";
import { Named } from "@/components/ui/disclosure";
import { CopyButton } from "@/components/comms/copy-button";
import { Badge, type Tone } from "@/components/ui/badge";
import { RelativeTime } from "@/components/ui/relative-time";
import { type DeliveryEvent, MAX_ATTEMPTS, webhookEventLabel } from "@/lib/domain/webhooks";
import { DeleteWebhookForm, RotateSecretForm, SendButton, WebhookForm } from "./webhook-forms";
import { ScrollRegion } from "@/components/ui/scroll-region";
import { TableHead } from "@/components/ui/table";

export interface WebhookRow {
  id: string;
  name: string;
  url: string;
  secret: string;
  events: string[];
  enabled: boolean;
}

export interface DeliveryRow {
  id: number;
  webhookName: string;
  event: string;
  planName: string | null;
  status: "pending" | "delivered" | "failed";
  attempts: number;
  nextAttemptAt: Date;
  lastStatusCode: number | null;
  lastError: string | null;
  /** The start of the receiver's answer: present for administrators only. */
  lastResponseExcerpt: string | null;
  deliveredAt: Date | null;
  createdAt: Date;
}

const statusBadge: Record<DeliveryRow["status"], { tone: Tone; label: string }> = {
  delivered: { tone: "green", label: "Delivered" },
  pending: { tone: "amber", label: "Retrying" },
  failed: { tone: "red", label: "Failed" },
};

const eventLabel = (event: string) => webhookEventLabel[event as DeliveryEvent] ?? event;

const summaryClass = "cursor-pointer list-none text-sm underline";

/** The project's webhooks, their secrets and the delivery log: for people who manage them. */
export function WebhooksSection({
  projectId,
  webhooks,
  deliveries,
  now,
}: {
  projectId: string;
  webhooks: WebhookRow[];
  deliveries: DeliveryRow[];
  now: Date;
}) {
  return (
    <div className="space-y-4">
      <p className="text-sm text-slate-600 dark:text-slate-400">
        Phasegate POSTs Slack-compatible JSON when a phase advances, a decision is recorded, a trigger fires or a
        release rolls back. Each request is signed: <code className="text-xs">X-Phasegate-Signature: sha256=…</code> is
        the HMAC-SHA256 of the raw body with the webhook’s secret (with{" "}
        <code className="text-xs">X-Phasegate-Timestamp</code>, the time sent). A receiver that does not answer 2xx
        within 5 s is tried again after 10 s, 30 s, 2 min, 10 min and 30 min; then the delivery is marked failed.
      </p>
      {webhooks.length === 0 ? (
        <p className="text-sm text-slate-600 dark:text-slate-400">
          No webhooks yet. Add one to post this project’s rollout news to a chat channel or another system.
        </p>
      ) : (
        <ul className="divide-y divide-slate-100 text-sm dark:divide-slate-800">
          {webhooks.map((hook) => (
            <li key={hook.id} className="space-y-2 py-3" data-testid="webhook">
              <div className="flex flex-col gap-2 sm:flex-row sm:items-start sm:justify-between">
                <div className="min-w-0 space-y-1">
                  <div className="flex flex-wrap items-center gap-2">
                    <span className="font-medium">{hook.name}</span>
                    {hook.enabled ? <Badge tone="green">Sending</Badge> : <Badge tone="grey">Switched off</Badge>}
                  </div>
                  <code className="block text-xs break-all text-slate-600 dark:text-slate-400">{hook.url}</code>
                  <p className="text-xs text-slate-600 dark:text-slate-400">
                    {hook.events.map(eventLabel).join(" · ")}
                  </p>
                </div>
                <div className="flex shrink-0 flex-wrap gap-3">
                  <details className="relative">
                    <summary className={summaryClass}>
                      <Named verb="Edit" name={`webhook ${hook.name}`} />
                    </summary>
                    <div className="z-10 mt-1 w-[min(20rem,90vw)] rounded-md border border-slate-200 bg-white p-3 shadow-lg sm:absolute sm:right-0 dark:border-slate-700 dark:bg-slate-900">
                      <WebhookForm webhook={hook} />
                    </div>
                  </details>
                  <details className="relative">
                    <summary className={`${summaryClass} text-red-700 dark:text-red-300`}>
                      <Named verb="Delete" name={`webhook ${hook.name}`} asks />
                    </summary>
                    <div className="z-10 mt-1 w-[min(18rem,90vw)] rounded-md border border-slate-200 bg-white p-3 shadow-lg sm:absolute sm:right-0 dark:border-slate-700 dark:bg-slate-900">
                      <DeleteWebhookForm webhook={hook} />
                    </div>
                  </details>
                </div>
              </div>
              <details>
                <summary className={summaryClass}>
                  <Named verb="Secret" name={`of ${hook.name}`} />
                </summary>
                <div className="mt-2 space-y-2 rounded-md border border-slate-200 p-3 dark:border-slate-800">
                  <p className="text-xs text-slate-600 dark:text-slate-400">
                    Give this to the receiver so it can check each request’s signature. Rotating it makes a new one at
                    once; the old one stops verifying.
                  </p>
                  <div className="flex flex-wrap items-center gap-2">
                    <code
                      className="rounded bg-slate-100 px-2 py-1 text-xs break-all dark:bg-slate-800"
                      data-testid="webhook-secret"
                    >
                      {hook.secret}
                    </code>
                    <CopyButton text={hook.secret} label={`the secret of ${hook.name}`} />
                  </div>
                  <RotateSecretForm webhook={hook} />
                </div>
              </details>
              {hook.enabled ? <SendButton kind="test" id={hook.id} name={`to ${hook.name}`} /> : null}
            </li>
          ))}
        </ul>
      )}
      <div className="border-t border-slate-200 pt-4 dark:border-slate-800">
        <h3 className="mb-2 text-sm font-semibold">New webhook</h3>
        <WebhookForm projectId={projectId} />
      </div>
      <div className="border-t border-slate-200 pt-4 dark:border-slate-800">
        <h3 className="mb-2 text-sm font-semibold">Delivery log</h3>
        <DeliveryLog deliveries={deliveries} now={now} />
      </div>
    </div>
  );
}

function DeliveryLog({ deliveries, now }: { deliveries: DeliveryRow[]; now: Date }) {
  if (deliveries.length === 0)
    return (
      <p className="text-sm text-slate-600 dark:text-slate-400">
        Nothing sent yet. The next phase change, decision, trigger or rollback shows up here.
      </p>
    );
  return (
    <ScrollRegion label="Deliveries" className="overflow-x-auto">
      <table className="w-full text-left text-sm">
        <caption className="sr-only">The latest {deliveries.length} deliveries, newest first</caption>
        <TableHead
          cell="py-2 pr-3 font-medium"
          columns={[
            "Event",
            "Plan",
            "Status",
            "Attempts",
            "Last answer",
            { label: "When", className: "py-2 font-medium" },
          ]}
        />
        <tbody className="divide-y divide-slate-100 align-top dark:divide-slate-800">
          {deliveries.map((d) => {
            const badge = statusBadge[d.status];
            return (
              <tr key={d.id} data-testid="webhook-delivery" data-status={d.status}>
                <td className="py-2 pr-3">
                  <div>{eventLabel(d.event)}</div>
                  <div className="text-xs text-slate-600 dark:text-slate-400">to {d.webhookName}</div>
                </td>
                <td className="py-2 pr-3">{d.planName ?? <span className="text-slate-500">—</span>}</td>
                <td className="py-2 pr-3">
                  <Badge tone={badge.tone}>{badge.label}</Badge>
                </td>
                <td className="py-2 pr-3 tabular-nums">
                  {d.attempts} of {Math.max(MAX_ATTEMPTS, d.attempts)}
                </td>
                <td className="max-w-xs py-2 pr-3 text-xs">
                  {d.lastStatusCode !== null ? <div className="tabular-nums">HTTP {d.lastStatusCode}</div> : null}
                  {d.lastError ? <div className="break-words text-red-800 dark:text-red-300">{d.lastError}</div> : null}
                  {d.lastResponseExcerpt ? <AnswerExcerpt text={d.lastResponseExcerpt} /> : null}
                  {d.lastStatusCode === null && !d.lastError ? (
                    <span className="text-slate-500">Not tried yet</span>
                  ) : null}
                </td>
                <td className="py-2 text-xs">
                  <div>
                    Queued <RelativeTime date={d.createdAt} now={now} />
                  </div>
                  {d.status === "delivered" && d.deliveredAt ? (
                    <div>
                      Delivered <RelativeTime date={d.deliveredAt} now={now} />
                    </div>
                  ) : null}
                  {d.status === "pending" ? (
                    <div>
                      Next attempt <RelativeTime date={d.nextAttemptAt} now={now} />
                    </div>
                  ) : null}
                  {d.status === "failed" ? (
                    <div className="mt-1">
                      <SendButton
                        kind="retry"
                        id={d.id}
                        name={`the ${eventLabel(d.event)} delivery to ${d.webhookName}`}
                      />
                    </div>
                  ) : null}
                </td>
              </tr>
            );
          })}
        </tbody>
      </table>
    </ScrollRegion>
  );
}
