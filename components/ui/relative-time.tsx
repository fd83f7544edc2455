import { formatExact, formatRelative } from "@/lib/domain/time";

/** "12 min ago", with the exact time on hover and for assistive technology. */
export function RelativeTime({ date, now }: { date: Date; now: Date }) {
  const exact = formatExact(date);
  return (
    <time
      dateTime={date.toISOString()}
      title={exact}
      className="cursor-help underline decoration-slate-400/60 decoration-dotted underline-offset-2"
    >
      {formatRelative(date, now)}
      <span className="sr-only"> ({exact})</span>
    </time>
  );
}
