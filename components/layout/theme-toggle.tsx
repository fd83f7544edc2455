"use client";

import { useSyncExternalStore } from "react";

function subscribe(onChange: () => void) {
  const observer = new MutationObserver(onChange);
  observer.observe(document.documentElement, { attributes: true, attributeFilter: ["class"] });
  return () => observer.disconnect();
}

const isDark = () => document.documentElement.classList.contains("dark");

export function ThemeToggle() {
  const dark = useSyncExternalStore(subscribe, isDark, () => false);
  const next = dark ? "light" : "dark";
  return (
    <button
      type="button"
      onClick={() => {
        document.documentElement.classList.toggle("dark", next === "dark");
        localStorage.setItem("phasegate-theme", next);
      }}
      className="shrink-0 rounded-md border border-slate-200 px-2 py-1.5 text-sm text-slate-700 hover:bg-slate-100 sm:px-2.5 dark:border-slate-700 dark:text-slate-200 dark:hover:bg-slate-800"
      aria-label={`Switch to ${next} theme`}
    >
      <span aria-hidden="true">{dark ? "☀" : "☾"}</span>
      <span className="ml-1.5 hidden sm:inline">{dark ? "Light" : "Dark"}</span>
    </button>
  );
}
