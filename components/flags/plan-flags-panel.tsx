import Link from "next/link";
import { Card } from "@/components/ui/card";
import { FlagHeader, RulesInWords } from "./flag-summary";
import type { FlagData } from "./flag-words";

// The plan page's flags: each flag whose rollout % follows this plan's active phase, what it
// serves now, and the kill switch for those who may edit flags.

export function FlagsPanel({
  flags,
  canEdit,
  projectSlug,
  now,
}: {
  flags: FlagData[];
  canEdit: boolean;
  projectSlug: string;
  now: Date;
}) {
  const manage = (
    <Link href={`/projects/${projectSlug}#flags`} className="text-xs underline">
      {canEdit ? "Manage flags" : "All flags"}
    </Link>
  );
  return (
    <Card title="Feature flags" id="flags" action={manage}>
      {flags.length === 0 ? (
        <p className="text-sm text-slate-600 dark:text-slate-400">
          No flag follows this plan.{" "}
          {canEdit
            ? "Bind one on the project page (Rollout % follows → this plan) so each go decision changes who gets the new code."
            : "A release manager can bind one on the project page."}
        </p>
      ) : (
        <ul className="space-y-4">
          {flags.map((flag) => (
            <li key={flag.id} data-testid="plan-flag" data-flag-key={flag.key} className="space-y-2">
              <FlagHeader flag={flag} canEdit={canEdit} now={now} linkPlan={false} />
              <RulesInWords flag={flag} />
            </li>
          ))}
        </ul>
      )}
    </Card>
  );
}
