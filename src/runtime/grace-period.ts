// A stopping role's grace as a promise: a timer that resolves when the grace is over, cancelled once the stop no
// longer needs it (so it holds no process open).
export interface GracePeriod {
  over: Promise<void>;
  cancel(): void;
}

export function gracePeriod(graceMs: number): GracePeriod {
  let timer: NodeJS.Timeout | undefined;
  const over = new Promise<void>((resolve) => {
    timer = setTimeout(resolve, Math.max(0, graceMs));
  });
  return { over, cancel: () => clearTimeout(timer) };
}
