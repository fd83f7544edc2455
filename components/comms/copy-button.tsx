"use client";

import { useEffect, useRef, useState } from "react";

/**
 * Copies text to the clipboard and says so where the button is. Without the Clipboard API (an
 * insecure origin, an old browser) it selects the text in a hidden field and asks the browser to
 * copy that; if even that is refused, it says to copy by hand.
 */
export function CopyButton({ text, label }: { text: string; label: string }) {
  const [state, setState] = useState<"idle" | "copied" | "failed">("idle");
  const timer = useRef<ReturnType<typeof setTimeout> | null>(null);
  useEffect(
    () => () => {
      if (timer.current) clearTimeout(timer.current);
    },
    [],
  );

  async function copy() {
    let ok = false;
    try {
      if (navigator.clipboard && window.isSecureContext) {
        await navigator.clipboard.writeText(text);
        ok = true;
      }
    } catch {
      ok = false;
    }
    if (!ok) ok = copyBySelection(text);
    setState(ok ? "copied" : "failed");
    if (timer.current) clearTimeout(timer.current);
    timer.current = setTimeout(() => setState("idle"), 2500);
  }

  return (
    <span className="inline-flex items-center gap-2">
      <button
        type="button"
        onClick={copy}
        className="inline-flex items-center rounded-md border border-slate-300 px-2 py-1 text-xs font-medium text-slate-800 hover:bg-slate-50 focus:outline-none focus-visible:ring-2 focus-visible:ring-accent-500/50 dark:border-slate-700 dark:text-slate-100 dark:hover:bg-slate-800"
      >
        Copy<span className="sr-only"> {label}</span>
      </button>
      <span role="status" aria-live="polite" className="text-xs">
        {state === "copied" ? <span className="text-emerald-700 dark:text-emerald-300">✓ Copied</span> : null}
        {state === "failed" ? (
          <span className="text-amber-800 dark:text-amber-300">
            Copy blocked by the browser: select the text and copy it by hand
          </span>
        ) : null}
      </span>
    </span>
  );
}

function copyBySelection(text: string): boolean {
  const area = document.createElement("textarea");
  area.value = text;
  area.setAttribute("readonly", "");
  area.style.position = "fixed";
  area.style.opacity = "0";
  document.body.appendChild(area);
  area.select();
  let ok = false;
  try {
    // The legacy path, for browsers without the Clipboard API.
    ok = document.execCommand("copy");
  } catch {
    ok = false;
  }
  area.remove();
  return ok;
}
