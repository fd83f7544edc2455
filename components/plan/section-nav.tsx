"use client";

import clsx from "clsx";
import { useEffect, useRef, useState } from "react";

export interface PlanSection {
  id: string;
  label: string;
  /** A count or state shown beside the label, e.g. "2 blocked" (hidden when it renders nothing). */
  note?: React.ReactNode;
}

/**
 * The plan page's sections as a bar that stays at the top of the window while the page scrolls
 * (on a phone too, where it scrolls sideways). Each entry is a link to the section's anchor, so
 * `/plans/{id}#checklists` opens the page at its checklists; the entry of the section being read
 * is marked as the current location.
 */
export function SectionNav({ sections }: { sections: PlanSection[] }) {
  const [current, setCurrent] = useState(sections[0]?.id ?? "");
  const list = useRef<HTMLUListElement>(null);

  // On a narrow screen the bar scrolls sideways: keep the current entry in it.
  useEffect(() => {
    const bar = list.current;
    const link = bar?.querySelector<HTMLElement>('[aria-current="location"]');
    if (!bar || !link) return;
    const left = link.offsetLeft - bar.offsetLeft;
    if (left < bar.scrollLeft || left + link.offsetWidth > bar.scrollLeft + bar.clientWidth) {
      bar.scrollTo({ left: Math.max(0, left - 16), behavior: "smooth" });
    }
  }, [current]);

  useEffect(() => {
    // The current section is the last one whose top has passed under the bar; at the foot of the
    // page, where the last sections cannot reach the top, the one jumped to or else the last one.
    const update = () => {
      const targets = sections.map((s) => document.getElementById(s.id)).filter((el): el is HTMLElement => el !== null);
      if (targets.length === 0) return;
      const line = (list.current?.getBoundingClientRect().bottom ?? 0) + 32;
      const atFoot = window.innerHeight + window.scrollY >= document.documentElement.scrollHeight - 4;
      const jumped = targets.find((el) => `#${el.id}` === window.location.hash);
      let id = targets[0]!.id;
      for (const el of targets) if (el.getBoundingClientRect().top <= line) id = el.id;
      if (atFoot) {
        const top = jumped?.getBoundingClientRect().top;
        id = jumped && top !== undefined && top >= 0 && top <= line ? jumped.id : targets[targets.length - 1]!.id;
      }
      setCurrent(id);
    };
    let frame = 0;
    const onScroll = () => {
      cancelAnimationFrame(frame);
      frame = requestAnimationFrame(update);
    };
    update();
    window.addEventListener("scroll", onScroll, { passive: true });
    window.addEventListener("resize", onScroll);
    window.addEventListener("hashchange", onScroll);
    return () => {
      cancelAnimationFrame(frame);
      window.removeEventListener("scroll", onScroll);
      window.removeEventListener("resize", onScroll);
      window.removeEventListener("hashchange", onScroll);
    };
  }, [sections]);

  return (
    <nav
      aria-label="Plan sections"
      data-testid="plan-sections"
      className="sticky top-0 z-20 -mx-4 border-b border-slate-200 bg-slate-50/95 px-4 backdrop-blur sm:-mx-6 sm:px-6 dark:border-slate-800 dark:bg-slate-950/95"
    >
      <ul ref={list} className="flex [scrollbar-width:none] gap-1 overflow-x-auto py-2 text-sm">
        {sections.map((s) => (
          <li key={s.id} className="shrink-0">
            <a
              href={`#${s.id}`}
              aria-current={current === s.id ? "location" : undefined}
              className={clsx(
                "inline-flex items-center gap-1.5 rounded-md px-3 py-1.5 font-medium whitespace-nowrap",
                current === s.id
                  ? "bg-accent-600 text-white dark:bg-accent-300 dark:text-slate-950"
                  : "text-slate-700 hover:bg-slate-200 dark:text-slate-300 dark:hover:bg-slate-800",
              )}
            >
              {s.label}
              {s.note ? (
                <span
                  className={clsx(
                    "rounded px-1 text-xs font-normal empty:hidden",
                    current === s.id ? "bg-white/20" : "bg-slate-200 dark:bg-slate-800",
                  )}
                >
                  {s.note}
                </span>
              ) : null}
            </a>
          </li>
        ))}
      </ul>
    </nav>
  );
}
