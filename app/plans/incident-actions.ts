"use server";

import { formActionsShowing, planPages } from "@/lib/actions/run";
import {
  correctDetectionTime,
  editIncidentSummary,
  markVerified,
  reopenIncident,
  resolveIncident,
  updatePostmortem,
} from "@/lib/services/incidents";

// Server actions of the plan page's incident panel: each calls one service of
// lib/services/incidents.ts, then shows the plan page and the portfolio again. A refused save hands
// back what was typed, so nothing is lost.

const incidentAction = formActionsShowing(planPages);

export const markVerifiedAction = incidentAction(markVerified, "Rollback verified: the incident is mitigated.", [
  "verifiedAt",
]);
export const resolveIncidentAction = incidentAction(resolveIncident, "Incident resolved.");
export const reopenIncidentAction = incidentAction(reopenIncident, "Incident reopened.", ["reason"]);
export const postmortemAction = incidentAction(
  updatePostmortem,
  (data) => (data.changed ? "Post-mortem saved." : "No changes to save."),
  ["postmortem"],
);
export const summaryAction = incidentAction(editIncidentSummary, "Summary saved.", ["summary"]);
export const detectionAction = incidentAction(correctDetectionTime, "Detection time saved.", ["detectedAt"]);
