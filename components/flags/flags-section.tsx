import { Disclosure, Named } from "@/components/ui/disclosure";
import { DeleteFlagForm, FlagForm, type PlanOption } from "./flag-forms";
import { FlagHeader, RulesInWords, VariantList } from "./flag-summary";
import { type FlagData, people, type SegmentData, segmentInWords } from "./flag-words";
import { RulesEditor } from "./rules-editor";
import { DeleteSegmentForm, SegmentForm } from "./segment-forms";

// The project page's "Feature flags" section: every flag with what it serves now, and the
// segments its rules target. Forms only for those who may edit flags.

export type SegmentRow = SegmentData & { usedBy: string[] };

/** Members shown before the list folds away behind a count. */
const SHOWN_MEMBERS = 20;

export function FlagsSection({
  projectId,
  flags,
  segments,
  plans,
  canEdit,
  now,
}: {
  projectId: string;
  flags: FlagData[];
  segments: SegmentRow[];
  plans: PlanOption[];
  canEdit: boolean;
  now: Date;
}) {
  return (
    <div className="space-y-6">
      <p className="text-sm text-slate-600 dark:text-slate-400">
        Applications read these over OpenFeature (OFREP) with a token holding the flags:evaluate scope. A flag bound to
        a plan serves its rollout variant to the share of the plan’s active phase; segment rules come first, in order; a
        killed flag serves its default to everyone.
      </p>
      {flags.length === 0 ? (
        <p className="rounded-md border border-dashed border-slate-300 p-4 text-sm text-slate-600 dark:border-slate-700 dark:text-slate-400">
          No feature flags yet.{" "}
          {canEdit
            ? "Create one below and bind it to a plan, so advancing a phase changes who gets the new code."
            : "A release manager creates them here."}
        </p>
      ) : (
        <ul className="divide-y divide-slate-100 dark:divide-slate-800">
          {flags.map((flag) => (
            <li key={flag.id} data-testid="flag-row" data-flag-key={flag.key} className="space-y-3 py-4 first:pt-0">
              <FlagHeader flag={flag} canEdit={canEdit} now={now} />
              <VariantList flag={flag} />
              <div className="space-y-1">
                <h4 className="text-xs font-semibold tracking-wide text-slate-600 uppercase dark:text-slate-400">
                  Segment rules, first match wins
                </h4>
                <RulesInWords flag={flag} />
              </div>
              {canEdit ? (
                <div className="flex flex-wrap items-start gap-2">
                  <Disclosure summary={<Named verb="Edit" name={flag.key} />}>
                    <FlagForm flag={flag} plans={plans} />
                  </Disclosure>
                  <Disclosure summary={<Named verb="Rules" name={`of ${flag.key}`} />}>
                    <RulesEditor
                      flag={{
                        id: flag.id,
                        key: flag.key,
                        version: flag.version,
                        variants: Object.keys(flag.variants).sort(),
                        rules: flag.rules.map((r) => ({ segmentId: r.segmentId, variant: r.variant })),
                      }}
                      segments={segments}
                    />
                  </Disclosure>
                  <Disclosure summary={<Named verb="Delete" name={flag.key} asks />} danger>
                    <DeleteFlagForm flag={flag} />
                  </Disclosure>
                </div>
              ) : null}
            </li>
          ))}
        </ul>
      )}
      {canEdit ? (
        <div className="border-t border-slate-200 pt-4 dark:border-slate-800">
          <h3 className="mb-2 text-sm font-semibold">New feature flag</h3>
          <FlagForm projectId={projectId} plans={plans} />
        </div>
      ) : null}

      <section
        aria-labelledby="segments-title"
        className="space-y-3 border-t border-slate-200 pt-4 dark:border-slate-800"
      >
        <h3 id="segments-title" className="text-sm font-semibold">
          Segments
        </h3>
        {segments.length === 0 ? (
          <p className="text-sm text-slate-600 dark:text-slate-400">
            No segments yet.{" "}
            {canEdit
              ? "Create a list of people (internal team, beta users) or an attribute rule (region in Jakarta, Surabaya), then add it to a flag’s rules."
              : ""}
          </p>
        ) : (
          <ul className="divide-y divide-slate-100 text-sm dark:divide-slate-800">
            {segments.map((segment) => (
              <li key={segment.id} data-testid="segment-row" className="space-y-2 py-3">
                <div className="flex flex-wrap items-center gap-2">
                  <span className="font-medium">{segment.name}</span>
                  <code className="text-xs text-slate-600 dark:text-slate-400">{segment.key}</code>
                  <span className="text-xs text-slate-600 dark:text-slate-400">
                    {segment.usedBy.length ? `used by ${segment.usedBy.join(", ")}` : "used by no flag"}
                  </span>
                </div>
                {segment.kind === "user_list" ? <Members keys={segment.userKeys} /> : <p>{segmentInWords(segment)}</p>}
                {canEdit ? (
                  <div className="flex flex-wrap items-start gap-2">
                    <Disclosure summary={<Named verb="Edit" name={`segment ${segment.name}`} />}>
                      <SegmentForm segment={segment} />
                    </Disclosure>
                    <Disclosure summary={<Named verb="Delete" name={`segment ${segment.name}`} asks />} danger>
                      <DeleteSegmentForm segment={segment} />
                    </Disclosure>
                  </div>
                ) : null}
              </li>
            ))}
          </ul>
        )}
        {canEdit ? (
          <div className="border-t border-slate-200 pt-4 dark:border-slate-800">
            <h4 className="mb-2 text-sm font-semibold">New segment</h4>
            <SegmentForm projectId={projectId} />
          </div>
        ) : null}
      </section>
    </div>
  );
}

/** Who is in a list: the first few keys, the rest behind a disclosure with the count. */
function Members({ keys }: { keys: string[] }) {
  const chip = (key: string) => (
    <li key={key} className="rounded bg-slate-100 px-1.5 py-0.5 font-mono text-xs dark:bg-slate-800">
      {key}
    </li>
  );
  return (
    <div className="space-y-1">
      <p className="text-xs text-slate-600 dark:text-slate-400">{people(keys.length)}</p>
      <ul className="flex flex-wrap gap-1" aria-label="Targeting keys">
        {keys.slice(0, SHOWN_MEMBERS).map(chip)}
      </ul>
      {keys.length > SHOWN_MEMBERS ? (
        <details>
          <summary className="cursor-pointer text-xs underline">
            Show {(keys.length - SHOWN_MEMBERS).toLocaleString("en")} more
          </summary>
          <ul className="mt-1 flex max-h-64 flex-wrap gap-1 overflow-y-auto" aria-label="More targeting keys">
            {keys.slice(SHOWN_MEMBERS).map(chip)}
          </ul>
        </details>
      ) : null}
    </div>
  );
}
