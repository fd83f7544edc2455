import clsx from "clsx";
import { removeRiskAction } from "@/app/plans/planning-actions";
import { ConfirmRemove } from "@/components/forms/confirm-remove";
import { Disclosure, Named } from "@/components/ui/disclosure";
import { Badge, type Tone } from "@/components/ui/badge";
import { Card } from "@/components/ui/card";
import {
  byExposure,
  levelLabel,
  type RiskGrid,
  riskGrid,
  riskScore,
  type RiskStatus,
  riskStatusLabel,
  type Severity,
  severityLabel,
  severityOf,
  severityTone,
} from "@/lib/domain/risk";
import { type Member, RiskForm, type RiskFormValues, RiskStatusForm } from "./risk-forms";

// The risk register: a likelihood × impact grid of the risks that still count, and the list with
// mitigation, owner and status. Colour follows the score, and every cell also says it in words.

export interface RegisterRisk extends RiskFormValues {
  owner: { name: string } | null;
}

export interface RiskPerms {
  /** Add, edit and remove risks (not once the plan is finished). */
  canEdit: boolean;
  /** Change a risk's status (also on a finished plan). */
  canSetStatus: boolean;
  members: Member[];
}

const cellClass: Record<Severity, string> = {
  low: "bg-emerald-50 text-emerald-900 dark:bg-emerald-950/50 dark:text-emerald-200",
  medium: "bg-amber-50 text-amber-900 dark:bg-amber-950/50 dark:text-amber-200",
  high: "bg-red-50 text-red-900 dark:bg-red-950/50 dark:text-red-200",
  critical: "bg-red-200 text-red-950 dark:bg-red-900/70 dark:text-red-50",
};
// A cell no risk is in: outlined rather than filled, its words as readable as a filled cell's.
const emptyCellClass: Record<Severity, string> = {
  low: "text-emerald-900 ring-1 ring-emerald-200 ring-inset dark:text-emerald-200 dark:ring-emerald-900",
  medium: "text-amber-900 ring-1 ring-amber-200 ring-inset dark:text-amber-200 dark:ring-amber-900",
  high: "text-red-900 ring-1 ring-red-200 ring-inset dark:text-red-200 dark:ring-red-900",
  critical: "text-red-950 ring-2 ring-red-300 ring-inset dark:text-red-50 dark:ring-red-800",
};

const statusTone: Record<RiskStatus, Tone> = { open: "amber", mitigated: "green", accepted: "grey", closed: "grey" };

function RiskGridTable({ grid }: { grid: RiskGrid }) {
  return (
    <table className="w-full table-fixed border-separate border-spacing-1 text-center text-sm" data-testid="risk-grid">
      <caption className="mb-1 text-left text-xs text-slate-600 dark:text-slate-400">
        Risks by likelihood (rows) and impact (columns); each cell shows how many risks it holds and its score.
        {grid.closed ? ` ${grid.closed} closed risk${grid.closed === 1 ? " is" : "s are"} not counted.` : ""}
      </caption>
      <thead>
        <tr>
          <td className="w-24" />
          {grid.rows[0]!.cells.map((c) => (
            <th key={c.impact} scope="col" className="text-xs font-medium text-slate-600 dark:text-slate-400">
              {levelLabel[c.impact]} impact
            </th>
          ))}
        </tr>
      </thead>
      <tbody>
        {grid.rows.map((row) => (
          <tr key={row.likelihood}>
            <th scope="row" className="text-left text-xs font-medium text-slate-600 dark:text-slate-400">
              {levelLabel[row.likelihood]} likelihood
            </th>
            {row.cells.map((c) => (
              <td
                key={c.impact}
                className={clsx(
                  "h-14 rounded-md align-middle",
                  c.riskIds.length === 0 ? emptyCellClass[c.severity] : cellClass[c.severity],
                )}
                data-testid="risk-cell"
                data-likelihood={c.likelihood}
                data-impact={c.impact}
                data-count={c.riskIds.length}
              >
                <div className="text-lg font-semibold tabular-nums">{c.riskIds.length}</div>
                <div className="text-[11px]">
                  {severityLabel[c.severity]} · {c.score}
                </div>
              </td>
            ))}
          </tr>
        ))}
      </tbody>
    </table>
  );
}

function RiskRow({ risk, planId, perms }: { risk: RegisterRisk; planId: string; perms: RiskPerms }) {
  const score = riskScore(risk.likelihood, risk.impact);
  const severity = severityOf(score);
  const owner = risk.owner?.name ?? risk.ownerLabel;
  return (
    <li className="space-y-1 py-3" data-testid="risk-row" data-status={risk.status}>
      <div className="flex flex-wrap items-start justify-between gap-2">
        <p
          className={clsx("font-medium", risk.status === "closed" && "text-slate-500 line-through dark:text-slate-400")}
        >
          {risk.description}
        </p>
        <div className="flex flex-wrap items-center gap-1.5">
          <Badge
            tone={severityTone[severity]}
            title={`Likelihood ${risk.likelihood} × impact ${risk.impact} = ${score}`}
          >
            {levelLabel[risk.likelihood]} × {levelLabel[risk.impact]} = {score} {severityLabel[severity].toLowerCase()}
          </Badge>
          <Badge tone={statusTone[risk.status]}>{riskStatusLabel[risk.status]}</Badge>
        </div>
      </div>
      <dl className="grid gap-x-4 text-xs text-slate-700 sm:grid-cols-[auto_1fr] dark:text-slate-300">
        <dt className="text-slate-500 dark:text-slate-400">Mitigation</dt>
        <dd>{risk.mitigation || "None written yet"}</dd>
        <dt className="text-slate-500 dark:text-slate-400">Owner</dt>
        <dd>{owner || "No owner"}</dd>
      </dl>
      {perms.canEdit || perms.canSetStatus ? (
        <div className="flex flex-wrap items-start gap-2 pt-1">
          {perms.canSetStatus ? (
            <RiskStatusForm planId={planId} riskId={risk.id} status={risk.status} description={risk.description} />
          ) : null}
          {perms.canEdit ? (
            <>
              <Disclosure summary={<Named verb="Edit" name={`risk: ${risk.description}`} />}>
                <RiskForm planId={planId} risk={risk} members={perms.members} />
              </Disclosure>
              <ConfirmRemove
                action={removeRiskAction}
                fields={{ planId, riskId: risk.id }}
                name="risk"
                consequence={`“${risk.description}” leaves the register; the audit trail keeps what it said.`}
              />
            </>
          ) : null}
        </div>
      ) : null}
    </li>
  );
}

export function RisksCard({ planId, risks, perms }: { planId: string; risks: RegisterRisk[]; perms: RiskPerms }) {
  const grid = riskGrid(risks);
  const ordered = byExposure(risks);
  return (
    <Card title="Risks" id="risks">
      {risks.length === 0 ? (
        <p className="text-sm text-slate-600 dark:text-slate-400">
          {perms.canEdit
            ? "No risks yet. Add what could go wrong, how likely it is and what it would cost, with its mitigation and owner."
            : "No risks recorded for this plan."}
        </p>
      ) : (
        <div className="space-y-4">
          <RiskGridTable grid={grid} />
          <ul className="divide-y divide-slate-200 text-sm dark:divide-slate-800" aria-label="Risk register">
            {ordered.map((r) => (
              <RiskRow key={r.id} risk={r} planId={planId} perms={perms} />
            ))}
          </ul>
        </div>
      )}
      {perms.canEdit ? (
        <div className="mt-3">
          <Disclosure summary="Add a risk">
            <RiskForm planId={planId} members={perms.members} />
          </Disclosure>
        </div>
      ) : null}
    </Card>
  );
}
