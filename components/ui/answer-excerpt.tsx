/** The start of what a foreign server answered, marked as shown to administrators only. */
export function AnswerExcerpt({ text }: { text: string }) {
  return (
    <p className="rounded-md bg-slate-100 px-2 py-1 font-mono text-xs break-words text-slate-700 dark:bg-slate-800 dark:text-slate-300">
      <span className="font-sans font-medium">Answer (administrators only):</span> {text}
    </p>
  );
}
