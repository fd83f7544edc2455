import Link from "next/link";
import { Badge } from "@/components/ui/badge";
import { RelativeTime } from "@/components/ui/relative-time";
import { formatPercent } from "@/lib/domain/milestones";
import {
  type FlagData,
  formatValue,
  orderedVariants,
  segmentInWords,
  servingInWords,
  sourceInWords,
} from "./flag-words";
import { KillSwitch } from "./kill-switch";

// What a flag does right now, shared by the project page and the plan page: its state, its
// rollout % and where that comes from, its variants and its rules in words.

export function FlagStateBadge({ enabled }: { enabled: boolean }) {
  return enabled ? <Badge tone="green">On</Badge> : <Badge tone="red">Killed</Badge>;
}

/** The key, state, share and source; with the kill switch for those who may edit. */
export function FlagHeader({
  flag,
  canEdit,
  now,
  linkPlan = true,
}: {
  flag: FlagData;
  canEdit: boolean;
  now: Date;
  linkPlan?: boolean;
}) {
  return (
    <div className="flex flex-col gap-2 sm:flex-row sm:items-start sm:justify-between">
      <div className="min-w-0 space-y-1">
        <div className="flex flex-wrap items-center gap-2">
          <code className="text-sm font-semibold break-all">{flag.key}</code>
          <FlagStateBadge enabled={flag.enabled} />
          <Badge tone="grey">{flag.type}</Badge>
        </div>
        {flag.description ? <p className="text-sm text-slate-700 dark:text-slate-300">{flag.description}</p> : null}
        <p className="text-sm">
          <span className="font-semibold tabular-nums" data-testid="flag-rollout">
            {formatPercent(flag.rolloutPercent)}
          </span>{" "}
          <span className="text-slate-600 dark:text-slate-400">
            rollout ·{" "}
            {flag.source.kind === "plan" && linkPlan ? (
              <>
                follows{" "}
                <Link href={`/plans/${flag.source.planId}`} className="underline">
                  {flag.source.planName}
                </Link>
                {flag.source.phaseName ? ` — ${flag.source.phaseName}` : ""}
              </>
            ) : (
              sourceInWords(flag.source)
            )}
          </span>
        </p>
        <p className="text-xs text-slate-600 dark:text-slate-400">{servingInWords(flag)}</p>
        {flag.lastSwitch ? (
          <p className="text-xs text-slate-600 dark:text-slate-400">
            {flag.lastSwitch.enabled ? "Turned back on" : "Killed"} by {flag.lastSwitch.by}{" "}
            <RelativeTime date={flag.lastSwitch.at} now={now} />
            {flag.lastSwitch.reason ? `: “${flag.lastSwitch.reason}”` : ""}
          </p>
        ) : null}
      </div>
      {canEdit ? (
        <div className="shrink-0">
          <KillSwitch
            flag={{ id: flag.id, key: flag.key, enabled: flag.enabled, defaultVariant: flag.defaultVariant }}
          />
        </div>
      ) : null}
    </div>
  );
}

export function VariantList({ flag }: { flag: FlagData }) {
  return (
    <dl className="flex flex-wrap gap-x-4 gap-y-1 text-xs">
      {orderedVariants(flag).map(([name, value]) => (
        <div key={name} className="flex min-w-0 items-baseline gap-1">
          <dt className="font-medium">
            {name}
            {name === flag.defaultVariant ? (
              <span className="text-slate-600 dark:text-slate-400"> (default)</span>
            ) : null}
            {name === flag.rolloutVariant ? (
              <span className="text-slate-600 dark:text-slate-400"> (rollout)</span>
            ) : null}
          </dt>
          <dd className="min-w-0 break-all">
            <code>{formatValue(value)}</code>
          </dd>
        </div>
      ))}
    </dl>
  );
}

/** The ordered rules: "Internal team (4 people) → on", "region not in Jakarta, Surabaya → off". */
export function RulesInWords({ flag }: { flag: FlagData }) {
  if (flag.rules.length === 0)
    return (
      <p className="text-xs text-slate-600 dark:text-slate-400">No segment rules: everyone follows the rollout %.</p>
    );
  return (
    <ol className="list-decimal space-y-0.5 pl-5 text-sm" data-testid="flag-rules">
      {flag.rules.map((rule) => (
        <li key={rule.segmentId}>
          <span>{segmentInWords(rule.segment)}</span> → <code className="text-xs">{rule.variant}</code>
          {rule.segment.kind === "attribute_rule" ? (
            <span className="text-xs text-slate-600 dark:text-slate-400"> ({rule.segment.name})</span>
          ) : null}
        </li>
      ))}
    </ol>
  );
}
